package io.aihub.server.delivery;

import io.aihub.store.jdbc.Database;
import io.aihub.store.outbox.EventCursor;
import io.aihub.store.outbox.EventLog;
import io.aihub.store.outbox.StoredEvent;
import io.aihub.store.outbox.Wakeups;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers committed events to this node's sockets, in commit order. One connection per node
 * LISTENs for wake-ups; the rows themselves are read from the events table after a cursor, so a
 * missed notification (reconnect, database restart) costs only latency: the next read catches up.
 */
public final class EventDispatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EventDispatcher.class);
    private static final int BATCH = 500;
    /** How long to wait for a wake-up before reading anyway. */
    private static final int IDLE_WAIT_MS = 1000;
    /** How soon to look again when rows wait behind a transaction still running. */
    private static final int SETTLE_WAIT_MS = 2;
    /**
     * How often the LISTEN connection is asked a question while nothing wakes it: a connection that went
     * half-open never delivers a notification again, and only a statement (failing after the socket
     * timeout) reveals it.
     */
    private static final long HEARTBEAT_NANOS = Duration.ofSeconds(5).toNanos();

    private final Database database;
    private final EventLog events;
    private final Consumer<StoredEvent> sink;
    private final Duration stallAfter;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Wakeups listening;
    /** When delivery last completed a round (a read of the outbox and a wait): what stalls show in. */
    private volatile long progressNanos = System.nanoTime();

    private volatile EventCursor cursor;

    /**
     * @param sink       delivers one event to this node's sockets; called on the dispatcher's thread, in
     *                   commit order
     * @param stallAfter a round taking longer than this makes {@link #stalledFor()} report it
     */
    public EventDispatcher(Database database, EventLog events, Consumer<StoredEvent> sink, Duration stallAfter) {
        this.database = database;
        this.events = events;
        this.sink = sink;
        this.stallAfter = stallAfter;
        this.thread = Thread.ofPlatform().name("hub-event-dispatcher").daemon().unstarted(this::run);
    }

    /** Starts after every event committed so far: sockets that connect later get state by replay. */
    public void start() {
        cursor = events.now();
        thread.start();
    }

    private void run() {
        long backoffMs = 100;
        while (running) {
            try (Wakeups wakeups = Wakeups.listen(database)) {
                listening = wakeups;
                if (backoffMs > 100) {
                    LOG.info("event delivery resumed; catching up from the events table");
                }
                backoffMs = 100;
                long heardNanos = System.nanoTime();
                while (running) {
                    boolean waiting = drain();
                    if (wakeups.await(waiting ? SETTLE_WAIT_MS : IDLE_WAIT_MS)) {
                        heardNanos = System.nanoTime();
                    } else if (System.nanoTime() - heardNanos > HEARTBEAT_NANOS) {
                        wakeups.check();
                        heardNanos = System.nanoTime();
                    }
                    progressNanos = System.nanoTime();
                }
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                LOG.warn("event delivery paused ({}); retrying in {} ms", e.getMessage(), backoffMs);
                sleep(backoffMs);
                backoffMs = Math.min(backoffMs * 2, 5_000);
            }
        }
    }

    /**
     * How long delivery has made no progress, when that is longer than the stall threshold: every
     * database call it makes is bounded by the connection timeouts, so a stall ends when the database
     * answers again, and delivery resumes from its cursor, skipping nothing.
     */
    public Optional<Duration> stalledFor() {
        Duration idle = Duration.ofNanos(System.nanoTime() - progressNanos);
        return running && idle.compareTo(stallAfter) > 0 ? Optional.of(idle) : Optional.empty();
    }

    /** Where delivery stands in the events' commit order (null until it has started). */
    public EventCursor cursor() {
        return cursor;
    }

    /** Delivers every settled event after the cursor; true when more wait on a running transaction. */
    private boolean drain() {
        EventLog.Batch batch;
        do {
            batch = events.after(cursor, BATCH);
            for (StoredEvent event : batch.events()) {
                try {
                    sink.accept(event);
                } catch (RuntimeException e) {
                    LOG.error("delivering event {} failed; skipped", event.eventId(), e);
                }
                cursor = EventCursor.after(event);
            }
            progressNanos = System.nanoTime(); // a long catch-up is progress too
        } while (batch.full() && running);
        return batch.waiting();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        Wakeups wakeups = listening;
        if (wakeups != null) {
            wakeups.close(); // wakes the thread
        }
        thread.interrupt();
        thread.join(5_000);
    }
}
