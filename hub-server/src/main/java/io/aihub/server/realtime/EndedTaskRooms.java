package io.aihub.server.realtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Empties the rooms of tasks that ended, {@link #GRACE} after their end: a socket that watches task
 * after task (a subscriber's, the dashboard's) would otherwise stay in a room for every task it ever
 * watched, until it closes. The grace lets the logs a worker sends as it wraps up still reach the
 * watchers; a log that comes later is kept and replayed to whoever joins the task again.
 *
 * <p>A task ends on this node when the event dispatcher delivers its last {@code task-updated} to some
 * of this node's sockets, or when a socket joins it after its end and the join's replay shows it ended.
 * A task reported again before its room is emptied keeps its first due time: what waits is at most the
 * tasks that ended in the last {@link #GRACE}, once each. Rooms are emptied in the order their tasks
 * ended, by the gateway's timer ({@link #emptyDue}), never by the thread that reports them.
 */
public final class EndedTaskRooms {
    private static final Logger LOG = LoggerFactory.getLogger(EndedTaskRooms.class);
    /** How long a task's room stays open after the task ended. */
    public static final Duration GRACE = Duration.ofSeconds(5);
    /** How often rooms due are emptied: a room lasts at most this longer than {@link #GRACE}. */
    public static final Duration CHECK_EVERY = Duration.ofMillis(500);

    private final Map<String, Long> dueAt = new LinkedHashMap<>(); // task id -> nanoTime; in due order
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

    /** The task has ended: its room is emptied once the grace has passed (counted from the first report). */
    void ended(String taskId) {
        synchronized (dueAt) {
            dueAt.putIfAbsent(taskId, nanoTime.getAsLong() + graceNanos);
        }
    }

    /**
     * Empties the rooms whose grace has passed; returns how many. A room that fails to empty is logged
     * and does not stop the others.
     */
    int emptyDue() {
        List<String> due = new ArrayList<>();
        synchronized (dueAt) {
            long now = nanoTime.getAsLong();
            Iterator<Map.Entry<String, Long>> oldestFirst = dueAt.entrySet().iterator();
            while (oldestFirst.hasNext()) {
                Map.Entry<String, Long> next = oldestFirst.next();
                if (next.getValue() - now > 0) {
                    break;
                }
                due.add(next.getKey());
                oldestFirst.remove();
            }
        }
        for (String taskId : due) {
            try {
                emptyRoom.accept(taskId);
            } catch (RuntimeException bug) {
                LOG.error("emptying the room of ended task {} failed; its sockets stay in it", taskId, bug);
            }
        }
        return due.size();
    }

    /** Tasks ended whose rooms are not emptied yet. */
    int waiting() {
        synchronized (dueAt) {
            return dueAt.size();
        }
    }
}
