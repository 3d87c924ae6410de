package io.aihub.protocol;

import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The one table of the status changes the hub allows. The SQL of a step's update and of a task's
 * start and end guards on it ({@link #stepSourcesFor}, {@link #taskSourcesFor}), the step update refuses with 409 what
 * it does not allow, and {@code docs/state-machine.md} draws it (a test compares the drawing with this
 * table, the hub's own moves of a step included; each of those guards in its SQL on the statuses it
 * starts from).
 *
 * <p>What a step's agent may do with an update: what the SDKs and the builder guide do (a worker takes a
 * {@code Pending} step straight to {@code Completed}, or marks it {@code In_Progress} first and keeps it
 * alive with more {@code In_Progress} updates), and nothing else. A step's update that leaves its status
 * as it is only changes its fields; one of a finished step changes nothing. Everything else the hub does
 * itself: a step becomes {@code Pending} when its predecessor completes, is handed out again when its
 * lease expires, and is closed as {@code Failed} when it runs out of attempts or its task ends.
 */
public final class Transitions {
    private Transitions() {}

    private static final Map<Status, Set<Status>> STEP_BY_AGENT = Map.of(
            Status.Pending, EnumSet.of(Status.Pending, Status.In_Progress, Status.Completed, Status.Failed),
            Status.In_Progress, EnumSet.of(Status.In_Progress, Status.Pending, Status.Completed, Status.Failed),
            Status.Not_Ready, EnumSet.of(Status.Not_Ready),
            Status.Completed, EnumSet.of(Status.Completed),
            Status.Failed, EnumSet.of(Status.Failed));

    /**
     * What the hub does to a step by itself: a waiting step becomes Pending when its predecessor
     * completes; an expired lease hands a step out again (Pending) or, on its last attempt, fails it; a
     * task that ends closes its open steps as Failed.
     */
    private static final Map<Status, Set<Status>> STEP_BY_HUB = Map.of(
            Status.Pending, EnumSet.of(Status.Pending, Status.Failed),
            Status.In_Progress, EnumSet.of(Status.Pending, Status.Failed),
            Status.Not_Ready, EnumSet.of(Status.Pending, Status.Failed),
            Status.Completed, EnumSet.noneOf(Status.class),
            Status.Failed, EnumSet.noneOf(Status.class));

    private static final Map<Status, Set<Status>> TASK = Map.of(
            Status.Pending, EnumSet.of(Status.In_Progress, Status.Completed, Status.Failed),
            Status.In_Progress, EnumSet.of(Status.Completed, Status.Failed),
            Status.Not_Ready, EnumSet.noneOf(Status.class),
            Status.Completed, EnumSet.noneOf(Status.class),
            Status.Failed, EnumSet.noneOf(Status.class));

    /** Whether a step's agent may take it from {@code from} to {@code to} (the same status: a field update). */
    public static boolean stepMay(Status from, Status to) {
        return STEP_BY_AGENT.get(from).contains(to);
    }

    /** The statuses from which a step's agent may take it to {@code to}, for the update's SQL guard. */
    public static Set<Status> stepSourcesFor(Status to) {
        return sourcesFor(STEP_BY_AGENT, to);
    }

    /** Whether a task may go from {@code from} to {@code to} (always the hub's doing, driven by its steps). */
    public static boolean taskMay(Status from, Status to) {
        return TASK.get(from).contains(to);
    }

    /** The statuses from which a task may go to {@code to}, for the SQL guard of the change. */
    public static Set<Status> taskSourcesFor(Status to) {
        return sourcesFor(TASK, to);
    }

    /** What a step's agent may do, for the test that compares the table with the drawing. */
    public static Map<Status, Set<Status>> stepByAgent() {
        return unmodifiable(STEP_BY_AGENT);
    }

    /** What the hub does to a step by itself, for the same test. */
    public static Map<Status, Set<Status>> stepByHub() {
        return unmodifiable(STEP_BY_HUB);
    }

    /** The task's changes, for the same test. */
    public static Map<Status, Set<Status>> task() {
        return unmodifiable(TASK);
    }

    private static Set<Status> sourcesFor(Map<Status, Set<Status>> table, Status to) {
        Set<Status> sources = EnumSet.noneOf(Status.class);
        table.forEach((from, targets) -> {
            if (targets.contains(to)) {
                sources.add(from);
            }
        });
        return sources;
    }

    private static Map<Status, Set<Status>> unmodifiable(Map<Status, Set<Status>> table) {
        Map<Status, Set<Status>> copy = new EnumMap<>(Status.class);
        table.forEach((from, targets) -> copy.put(from, Set.copyOf(targets)));
        return Collections.unmodifiableMap(copy);
    }
}
