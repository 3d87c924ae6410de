package io.aihub.server.realtime;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Empties the rooms of tasks that ended, {@link #GRACE} after their end: a socket that watches task
 * after task (a subscriber's, the dashboard's) would otherwise stay in a room for every task it ever
 * watched, until it closes. The grace lets the logs a worker sends as it wraps up still reach the
 * watchers; a log that comes later is kept and replayed to whoever joins the task again.
 *
 * <p>A task ends on this node when the event dispatcher delivers its last {@code task-updated}, or when
 * a socket joins it after its end and the join's replay shows it ended. Rooms are emptied in the order
 * their tasks ended, by the gateway's timer ({@link #emptyDue}), never by the thread that reports them.
 */
public final class EndedTaskRooms {
    /** How long a task's room stays open after the task ended. */
    public static final Duration GRACE = Duration.ofSeconds(5);
    /** How often rooms due are emptied: a room lasts at most this longer than {@link #GRACE}. */
    public static final Duration CHECK_EVERY = Duration.ofMillis(500);

    private record Ending(long dueAt, String taskId) {}

    private final ArrayDeque<Ending> pending = new ArrayDeque<>(); // by due time: each is now + GRACE
    private final Consumer<String> emptyRoom;
    private final LongSupplier nanoTime;
    private final long graceNanos;

    /**
     * @param emptyRoom takes every socket of this node out of the room of a task id
     * @param nanoTime  the clock ({@link System#nanoTime} but in tests)
     */
    EndedTaskRooms(Consumer<String> emptyRoom, LongSupplier nanoTime, Duration grace) {
        this.emptyRoom = emptyRoom;
        this.nanoTime = nanoTime;
        this.graceNanos = grace.toNanos();
    }

    /** The task has ended: its room is emptied once the grace has passed. */
    void ended(String taskId) {
        long dueAt = nanoTime.getAsLong() + graceNanos;
        synchronized (pending) {
            pending.addLast(new Ending(dueAt, taskId));
        }
    }

    /** Empties the rooms whose grace has passed; returns how many. */
    int emptyDue() {
        long now = nanoTime.getAsLong();
        List<String> due = new ArrayList<>();
        synchronized (pending) {
            while (!pending.isEmpty() && pending.peekFirst().dueAt() - now <= 0) {
                due.add(pending.pollFirst().taskId());
            }
        }
        due.forEach(emptyRoom);
        return due.size();
    }

    /** Tasks ended whose rooms are not emptied yet. */
    int waiting() {
        synchronized (pending) {
            return pending.size();
        }
    }
}
