package io.aihub.server.delivery;

import io.aihub.store.outbox.EventLog;
import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes events older than a day, every hour, on a thread of its own: a sweep of a busy day's events
 * takes many short transactions, and delivery must not wait for them. Late readers get state by
 * replay ({@code _emit-steps}, {@code _join-tasks}), not from old events. Every node sweeps; sweeps
 * that meet only delete less.
 */
public final class EventRetention implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EventRetention.class);
    static final Duration KEEP = Duration.ofHours(24);
    static final Duration SWEEP_EVERY = Duration.ofHours(1);

    private final EventLog events;
    private final InstantSource clock;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("hub-event-retention").daemon().factory());

    public EventRetention(EventLog events, InstantSource clock) {
        this.events = events;
        this.clock = clock;
    }

    /** Sweeps now, then every {@link #SWEEP_EVERY}. */
    public void start() {
        timer.scheduleWithFixedDelay(this::sweep, 0, SWEEP_EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void sweep() {
        try {
            int deleted = events.deleteBefore(clock.instant().minus(KEEP));
            if (deleted > 0) {
                LOG.info("deleted {} events older than {}", deleted, KEEP);
            }
        } catch (RuntimeException e) {
            LOG.warn("deleting old events failed ({}); trying again in {}", e.getMessage(), SWEEP_EVERY);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
