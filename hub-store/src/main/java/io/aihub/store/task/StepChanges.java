package io.aihub.store.task;

import io.aihub.protocol.ApiError;
import io.aihub.protocol.ProtocolEvent;
import io.aihub.protocol.Status;
import io.aihub.protocol.StepRecord;
import io.aihub.protocol.TaskRecord;
import io.aihub.protocol.TaskUpdated;
import io.aihub.protocol.Transitions;
import io.aihub.store.batch.GroupCommit;
import io.aihub.store.jdbc.Database;
import io.aihub.store.jdbc.Pipeline;
import io.aihub.store.jdbc.Tx;
import io.aihub.store.outbox.Announcements;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * Applies a batch of step updates in the transaction of {@link LifecycleWrites}, which has entered
 * the gates of all their tasks. Each update drives its task: Completed with an effective
 * {@code is_last} completes it, Completed otherwise activates the successors, Failed fails it.
 *
 * <p>The first update of each task in the batch is applied with its neighbours, set-based, by up to
 * three statements sent with the batch's other first statements, in one round trip ({@link #plan}): one
 * locks all their tasks and reads their steps as they were, one writes all the steps (it makes the
 * checks itself, and writes only the updates that pass), one completes the tasks whose last step
 * completed. Then Java runs the same checks on what the lock read, to answer each update that was not
 * written with its reason. The other follow-ups (activating successors, failing the task, the task's
 * progress and cost) run one update at a time. The set statements find each row by index whatever
 * PostgreSQL knows of the tables' sizes (see {@code TaskSql}), so their plans can be cached. An
 * update that must see another's effect (a later update of a task already in the batch), or one that
 * reads more (it names a predecessor, or says a finished step's status again), is applied after those,
 * alone, in arrival order. A task's updates therefore still apply, and announce, in arrival order.
 */
final class StepChanges {
    /** The task statuses whose steps take updates: a finished task's steps stay as they are. */
    private static final String[] OPEN_TASK_STATUSES = Status.wire(Arrays.stream(Status.values())
            .filter(status -> !status.isTerminal())
            .toList());

    /**
     * The statuses a step may be in for an update applied as a set to write it, by the status the
     * update asks for, each as one comma-separated text: those from which the transition table allows
     * it, finished ones aside (an update of a finished step is answered alone, or refused).
     */
    private static final Map<Status, String> SOURCES_WHEN_SET = sourcesWhenSet();

    /** {@link #SOURCES_WHEN_SET} for an update that names no status: the step keeps its own. */
    private static final String SOURCES_WHEN_SET_KEEPING_STATUS = openAmong(Arrays.stream(Status.values())
            .filter(status -> Transitions.stepMay(status, status))
            .toList());

    private StepChanges() {}

    /**
     * A batch's updates sorted into those applied as a set (the first of each task that names no
     * predecessor) and those applied alone, with the rows of the set's statements in the batch's first
     * pipeline: the lock, the write, and the completion (null when no update of the set completes its step).
     */
    record Planned(
            List<StepChange> changes,
            List<Integer> together,
            List<Integer> alone,
            Pipeline.Rows<TaskSql.LockedForStep> locked,
            Pipeline.Rows<StepRecord> written,
            Pipeline.Rows<TaskRecord> completed) {}

    /**
     * Sorts {@code changes} and adds to {@code first} the statements that apply those applied as a set:
     * the lock of their tasks (reading the steps they name as they were), the write of the steps, and
     * the completion of the tasks; {@link #apply} goes on once {@code first} has run.
     */
    static Planned plan(Pipeline first, List<StepChange> changes) {
        List<Integer> alone = new ArrayList<>();
        List<Integer> together = new ArrayList<>();
        Set<String> tasks = new HashSet<>();
        for (int i = 0; i < changes.size(); i++) {
            StepChange change = changes.get(i);
            boolean firstOfItsTask = tasks.add(change.taskId());
            (firstOfItsTask && change.update().predecessor() == null ? together : alone).add(i);
        }
        if (together.isEmpty()) {
            return new Planned(changes, together, alone, null, null, null);
        }
        List<StepChange> set = together.stream().map(changes::get).toList();
        Pipeline.Rows<TaskSql.LockedForStep> locked = first.add(
                TaskSql.TASK_LOCK_MANY_WITH_STEP_STATUS,
                TaskSql.LOCKED_FOR_STEP,
                strings(set, StepChange::taskId),
                strings(set, StepChange::stepId));
        return new Planned(changes, together, alone, locked, write(first, set), complete(first, set));
    }

    /**
     * Applies the planned changes in order, once the pipeline that locked their tasks has run; the
     * result at each index is the updated step, or the {@link ApiError} that refused that update (it
     * wrote nothing). A failure that one update is to blame for is thrown as {@link GroupCommit.Refused}.
     */
    static List<Object> apply(Tx tx, Planned planned, Announcements announced) {
        List<StepChange> changes = planned.changes();
        Object[] results = new Object[changes.size()];
        List<Integer> alone = new ArrayList<>(planned.alone());
        try {
            applyTogether(tx, planned, results, alone, announced);
        } catch (SQLException failed) {
            throw GroupCommit.Refused.ifAlone(changes.size(), Database.translate(failed));
        } catch (RuntimeException failed) {
            throw failed instanceof ApiError || failed instanceof GroupCommit.Refused
                    ? failed
                    : GroupCommit.Refused.ifAlone(changes.size(), failed);
        }
        alone.sort(Comparator.naturalOrder());
        for (int i : alone) {
            try {
                results[i] = applyAlone(tx, changes.get(i), announced);
            } catch (ApiError refused) {
                results[i] = refused;
            } catch (SQLException refused) {
                throw new GroupCommit.Refused(i, Database.translate(refused));
            } catch (RuntimeException refused) {
                throw new GroupCommit.Refused(i, refused);
            }
        }
        return List.of(results);
    }

    private static void applyTogether(
            Tx tx, Planned planned, Object[] results, List<Integer> alone, Announcements announced)
            throws SQLException {
        if (planned.together().isEmpty()) {
            return;
        }
        List<StepChange> changes = planned.changes();
        Map<String, TaskSql.LockedForStep> locked = new HashMap<>();
        planned.locked().list().forEach(one -> locked.put(one.task().taskId(), one));
        Map<String, StepRecord> written = new HashMap<>(); // by task: one update of each task is in the set
        planned.written().list().forEach(step -> written.put(step.taskId(), step));
        Map<String, TaskRecord> completed = new HashMap<>();
        if (planned.completed() != null) {
            planned.completed().list().forEach(task -> completed.put(task.taskId(), task));
        }
        for (int i : planned.together()) {
            StepChange change = changes.get(i);
            StepRecord step = written.get(change.taskId());
            Passed passed;
            try {
                passed = check(change, locked.get(change.taskId()));
            } catch (ApiError refused) {
                requireWritten(false, step, change);
                results[i] = refused;
                continue;
            }
            requireWritten(!passed.saidAgain(), step, change);
            if (passed.saidAgain()) {
                alone.add(i); // answered with the step as it is, read alone
                continue;
            }
            TaskRecord task = passed.task();
            Instant now = change.now();
            announceStep(announced, now, task, step, passed.before());
            TaskRecord after = step.stepStatus() == Status.Completed && step.isLast()
                    ? completedBy(step, task, completed)
                    : followUp(tx, task, step, now, announced);
            announceOutcome(announced, now, task, step, after);
            results[i] = step;
        }
    }

    /** An update applied as a set that passed its checks: its task and its step's status before it. */
    private record Passed(TaskRecord task, Status before, boolean saidAgain) {}

    /**
     * The checks of an update applied as a set, made on what the lock read (those {@code
     * STEP_UPDATE_MANY} makes itself, to say why an update was not written): the refusal is thrown. An
     * update that says a finished step's status again passes as {@code saidAgain}: it writes nothing.
     */
    private static Passed check(StepChange change, TaskSql.LockedForStep found) {
        if (found == null) {
            throw ApiError.notFound("task", change.taskId());
        }
        TaskRecord task = StepStore.workable(found.task(), change.owner(), change.did());
        Status before = found.stepStatus();
        if (before == null) {
            throw ApiError.notFound("step", change.stepId());
        }
        Status target = change.target(before);
        if (before.isTerminal() && target == before) {
            return new Passed(task, before, true);
        }
        refuseWhatTheTableDoesNotAllow(task, change, before, target, found.stepRetries());
        return new Passed(task, before, false);
    }

    /**
     * Fails the batch when the statement's checks and {@link #check}'s disagree about an update: a batch
     * is then written again a request at a time, and a lone request fails.
     */
    private static void requireWritten(boolean expected, StepRecord step, StepChange change) {
        if ((step != null) != expected) {
            throw new IllegalStateException("step '" + change.stepId() + "' was "
                    + (step != null ? "written though its checks refuse the update" : "not written though it passed")
                    + ": the checks of STEP_UPDATE_MANY and StepChanges disagree");
        }
    }

    /** The task {@code step} completed as its last, as the completion wrote it; the task as it was if it may not complete. */
    private static TaskRecord completedBy(StepRecord step, TaskRecord task, Map<String, TaskRecord> completed) {
        TaskRecord after = completed.get(step.taskId());
        if (after == null && Transitions.taskMay(task.taskStatus(), Status.Completed)) {
            throw new IllegalStateException("task '" + task.taskId() + "' was not completed by its last step '"
                    + step.stepId() + "': TASK_COMPLETE_BY_LAST_STEPS did not find the step it wrote");
        }
        return after != null ? after : task;
    }

    /** Adds the statement that writes the steps of the updates applied as a set, all at once, to {@code first}. */
    private static Pipeline.Rows<StepRecord> write(Pipeline first, List<StepChange> changes) {
        return first.add(
                StepSql.STEP_UPDATE_MANY,
                StepSql.STEP,
                strings(changes, StepChange::stepId),
                strings(changes, StepChange::taskId),
                strings(
                        changes,
                        change -> change.update().stepStatus() == null
                                ? null
                                : change.update().stepStatus().wire()),
                strings(changes, change -> JsonShapes.text(change.update().output())),
                strings(changes, change -> JsonShapes.object(change.update().outputAdditional())),
                strings(changes, change -> JsonShapes.array(change.update().outputArtifacts())),
                changes.stream().map(change -> change.update().cost()).toArray(Long[]::new),
                changes.stream().map(change -> change.update().isLast()).toArray(Boolean[]::new),
                strings(changes, change -> change.update().name()),
                changes.stream().map(change -> change.update().order()).toArray(Integer[]::new),
                strings(changes, change -> change.update().inputQuery()),
                strings(changes, StepChange::inputParams),
                strings(changes, StepChange::inputAdditional),
                strings(changes, change -> JsonShapes.json(change.update().inputArtifacts())),
                strings(changes, change -> change.now().toString()),
                strings(
                        changes,
                        change -> change.update().stepStatus() == null
                                ? SOURCES_WHEN_SET_KEEPING_STATUS
                                : SOURCES_WHEN_SET.get(change.update().stepStatus())),
                strings(changes, StepChange::did),
                strings(changes, StepChange::owner),
                changes.stream().map(change -> change.update().retries()).toArray(Integer[]::new),
                OPEN_TASK_STATUSES);
    }

    /**
     * Adds, after the steps' write, the statement that completes the tasks whose step those updates
     * completed as the last; it reads the steps as just written. Null when no update asks to complete its
     * step.
     */
    private static Pipeline.Rows<TaskRecord> complete(Pipeline first, List<StepChange> changes) {
        String[] completing = changes.stream()
                .filter(change -> change.update().stepStatus() == Status.Completed)
                .map(StepChange::stepId)
                .toArray(String[]::new);
        if (completing.length == 0) {
            return null;
        }
        return first.add(
                TaskSql.TASK_COMPLETE_BY_LAST_STEPS,
                TaskSql.TASK,
                completing,
                Status.wire(Transitions.taskSourcesFor(Status.Completed)),
                TaskEnding.CLOSED_BY_COMPLETION);
    }

    /**
     * Applies one update on its own: it locks its task and reads its step, checks, writes the step and
     * drives the task, a statement each.
     */
    static StepRecord applyAlone(Tx tx, StepChange change, Announcements announced) throws SQLException {
        String taskId = change.taskId();
        String stepId = change.stepId();
        Instant now = change.now();
        TaskSql.LockedForStep locked = tx.one(
                        TaskSql.TASK_LOCK_WITH_STEP_STATUS, TaskSql.LOCKED_FOR_STEP, stepId, stepId, taskId)
                .orElseThrow(() -> ApiError.notFound("task", taskId));
        TaskRecord task = StepStore.workable(locked.task(), change.owner(), change.did());
        Status before = locked.stepStatus();
        if (before == null) {
            throw ApiError.notFound("step", stepId);
        }
        Status target = change.target(before);
        if (before.isTerminal() && target == before) { // said again: changes nothing, announces nothing
            return tx.one(StepSql.STEP_FIND_IN_TASK, StepSql.STEP, stepId, taskId)
                    .orElseThrow();
        }
        refuseWhatTheTableDoesNotAllow(task, change, before, target, locked.stepRetries());
        String predecessor =
                checkedPredecessor(tx, taskId, stepId, change.update().predecessor());
        StepRecord step = tx.one(
                        StepSql.STEP_UPDATE,
                        StepSql.STEP,
                        change.update().stepStatus(),
                        JsonShapes.text(change.update().output()),
                        JsonShapes.object(change.update().outputAdditional()),
                        JsonShapes.array(change.update().outputArtifacts()),
                        change.update().cost(),
                        change.update().isLast(),
                        change.update().name(),
                        change.update().order(),
                        predecessor,
                        change.update().inputQuery(),
                        change.inputParams(),
                        change.inputAdditional(),
                        JsonShapes.json(change.update().inputArtifacts()),
                        now,
                        stepId,
                        taskId,
                        Status.wire(Transitions.stepSourcesFor(target)))
                .orElseThrow(() -> ApiError.conflict("step '" + stepId + "' was finished by another update"));
        announceStep(announced, now, task, step, before);
        TaskRecord after = step.stepStatus() == Status.Completed && step.isLast()
                ? TaskEnding.complete(tx, taskId, step, now).orElse(task)
                : followUp(tx, task, step, now, announced);
        announceOutcome(announced, now, task, step, after);
        return step;
    }

    /** What a written step does to its task, other than completing it: the task as it is afterwards. */
    private static TaskRecord followUp(Tx tx, TaskRecord task, StepRecord step, Instant now, Announcements announced)
            throws SQLException {
        String taskId = task.taskId();
        return switch (step.stepStatus()) {
            case Completed -> activateSuccessors(tx, task, step, now, announced);
            case Failed ->
                TaskEnding.fail(tx, taskId, step.output(), "closed: step '" + step.stepId() + "' failed the task", now)
                        .orElse(task);
            case In_Progress -> StepStore.progress(tx, taskId, true, now).orElse(task);
            case Pending, Not_Ready ->
                StepStore.progress(tx, taskId, false, now).orElse(task);
        };
    }

    /** A step the update made Pending is announced to workers first ({@code step-updated}). */
    private static void announceStep(
            Announcements announced, Instant now, TaskRecord task, StepRecord step, Status before) {
        if (step.stepStatus() == Status.Pending && before != Status.Pending) {
            announced.add(now, ProtocolEvent.STEP_UPDATED, task, step);
        }
    }

    /**
     * After its follow-ups' events, the update's last: the task's {@code task-updated} if the task
     * changed, else the step's {@code step-changed}.
     */
    private static void announceOutcome(
            Announcements announced, Instant now, TaskRecord task, StepRecord step, TaskRecord after) {
        if (after.taskStatus() != task.taskStatus() || !Objects.equals(after.output(), task.output())) {
            announced.add(now, ProtocolEvent.TASK_UPDATED, after, TaskUpdated.of(after));
        } else {
            announced.add(now, ProtocolEvent.STEP_CHANGED, after, step);
        }
    }

    private static TaskRecord activateSuccessors(
            Tx tx, TaskRecord task, StepRecord completed, Instant now, Announcements announced) throws SQLException {
        List<StepRecord> activated = new ArrayList<>(tx.list(
                StepSql.STEP_ACTIVATE_SUCCESSORS,
                StepSql.STEP,
                completed.output(),
                completed.outputArtifacts(),
                now,
                task.taskId(),
                completed.stepId()));
        activated.sort(Comparator.comparingInt(StepRecord::order).thenComparing(StepRecord::stepId));
        for (StepRecord step : activated) {
            announced.add(now, ProtocolEvent.STEP_UPDATED, task, step);
        }
        return StepStore.progress(tx, task.taskId(), true, now).orElse(task);
    }

    /**
     * Refuses with 409 an update the transition table does not allow, or one for an earlier attempt than
     * the step's (its worker's lease expired and the step was handed out again), or one of a finished task.
     */
    private static void refuseWhatTheTableDoesNotAllow(
            TaskRecord task, StepChange change, Status before, Status target, int attempt) {
        String stepId = change.stepId();
        if (before.isTerminal()) {
            throw ApiError.conflict("step '" + stepId + "' is " + before + " and stays so; it cannot become " + target);
        }
        if (task.taskStatus().isTerminal()) {
            throw ApiError.conflict("task '" + task.taskId() + "' is " + task.taskStatus()
                    + ": its steps take no more updates (step '" + stepId + "' was " + before + ")");
        }
        if (!Transitions.stepMay(before, target)) {
            throw ApiError.conflict("a step's agent cannot take it from " + before + " to " + target + " (step '"
                    + stepId + "'); see docs/state-machine.md");
        }
        Integer retries = change.update().retries();
        if (retries != null && retries < attempt) {
            throw ApiError.conflict("this update is for attempt " + retries + " of step '" + stepId
                    + "', which was handed out again after its lease expired (now attempt " + attempt + ")");
        }
    }

    private static String checkedPredecessor(Tx tx, String taskId, String stepId, String requested)
            throws SQLException {
        if (requested == null) {
            return null;
        }
        String predecessor = StepStore.canonical(requested);
        if (predecessor.equals(stepId)
                || tx.one(StepSql.STEP_FIND_IN_TASK, StepSql.STEP, predecessor, taskId)
                        .isEmpty()) {
            throw ApiError.invalid(
                    "predecessor", "must name another step of task '" + taskId + "', not '" + requested + "'");
        }
        return predecessor;
    }

    private static Map<Status, String> sourcesWhenSet() {
        Map<Status, String> sources = new EnumMap<>(Status.class);
        for (Status target : Status.values()) {
            sources.put(target, openAmong(Transitions.stepSourcesFor(target)));
        }
        return Collections.unmodifiableMap(sources);
    }

    private static String openAmong(Collection<Status> statuses) {
        return String.join(
                ",",
                Status.wire(
                        statuses.stream().filter(status -> !status.isTerminal()).toList()));
    }

    private static String[] strings(List<StepChange> changes, Function<StepChange, String> value) {
        return changes.stream().map(value).toArray(String[]::new);
    }
}
