package io.aihub.server.realtime;

import io.aihub.store.work.EventLog;
import java.time.Duration;
import java.time.InstantSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes events older than a day, every hour, apart from delivery: a sweep of a busy day's events
 * takes many short transactions, and delivery must not wait for them. Late readers get state by
 * replay ({@code _emit-steps}, {@code _join-tasks}), not from old events. Every node sweeps; sweeps
 * that meet only delete less.
 */
final class EventRetention implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(EventRetention.class);
    static final Duration KEEP = Duration.ofHours(24);
    static final Duration SWEEP_EVERY = Duration.ofHours(1);

    private final EventLog events;
    private final InstantSource clock;

    EventRetention(EventLog events, InstantSource clock) {
        this.events = events;
        this.clock = clock;
    }

    @Override
    public void run() {
        try {
            int deleted = events.deleteBefore(clock.instant().minus(KEEP));
            if (deleted > 0) {
                LOG.info("deleted {} events older than {}", deleted, KEEP);
            }
        } catch (RuntimeException e) {
            LOG.warn("deleting old events failed ({}); trying again in {}", e.getMessage(), SWEEP_EVERY);
        }
    }
}
