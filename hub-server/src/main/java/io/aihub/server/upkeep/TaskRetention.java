package io.aihub.server.upkeep;

import io.aihub.store.task.FinishedTasks;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every hour, on a thread of its own: deletes the tasks that ended more than {@code HUB_RETENTION_DAYS}
 * ago, with their steps and logs (when set: by default tasks are kept for ever), and forgets
 * idempotency keys older than a day.
 */
public final class TaskRetention implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TaskRetention.class);
    static final Duration EVERY = Duration.ofHours(1);

    private final FinishedTasks finished;
    private final InstantSource clock;
    private final Optional<Duration> keepTasks;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("hub-retention").daemon().factory());

    /** @param keepTasks how long an ended task is kept; empty: for ever */
    public TaskRetention(FinishedTasks finished, InstantSource clock, Optional<Duration> keepTasks) {
        this.finished = finished;
        this.clock = clock;
        this.keepTasks = keepTasks;
    }

    public void start() {
        timer.scheduleWithFixedDelay(this::sweep, 0, EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void sweep() {
        keepTasks.ifPresent(keep -> {
            try {
                int deleted = finished.deleteEndedBefore(clock.instant().minus(keep));
                if (deleted > 0) {
                    LOG.info("deleted {} tasks that ended more than {} ago, with their steps and logs", deleted, keep);
                }
            } catch (RuntimeException e) {
                LOG.warn("deleting ended tasks failed ({}); trying again in {}", e.getMessage(), EVERY);
            }
        });
        try {
            finished.forgetExpiredKeys();
        } catch (RuntimeException e) {
            LOG.warn("forgetting old idempotency keys failed ({}); trying again in {}", e.getMessage(), EVERY);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
