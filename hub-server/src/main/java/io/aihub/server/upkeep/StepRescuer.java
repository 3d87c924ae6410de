package io.aihub.server.upkeep;

import io.aihub.store.task.StepRescue;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sweeps expired step leases every second, on a thread of its own ({@link StepRescue}: one node's sweep
 * at a time across the cluster, each expired lease rescued once). A sweep with nothing to do costs a
 * try-lock and two indexed reads; a sweep that fails is tried again at the next tick.
 */
public final class StepRescuer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StepRescuer.class);
    static final Duration EVERY = Duration.ofSeconds(1);

    private final StepRescue rescue;
    private final Counter handedOutAgain;
    private final Counter failed;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("hub-step-rescuer").daemon().factory());

    /** @param registry where the rescues are counted, as {@code hub_steps_rescued_total{outcome}} */
    public StepRescuer(StepRescue rescue, MeterRegistry registry) {
        this.rescue = rescue;
        this.handedOutAgain = rescued(registry, "handed_out_again");
        this.failed = rescued(registry, "failed");
    }

    private static Counter rescued(MeterRegistry registry, String outcome) {
        return Counter.builder("hub.steps.rescued")
                .tag("outcome", outcome)
                .description("steps whose lease expired: handed out again, or failed on their last attempt")
                .register(registry);
    }

    public void start() {
        timer.scheduleWithFixedDelay(this::sweep, EVERY.toMillis(), EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void sweep() {
        try {
            StepRescue.Swept swept = rescue.sweep();
            handedOutAgain.increment(swept.handedOutAgain());
            failed.increment(swept.failed());
            if (swept.handedOutAgain() > 0 || swept.failed() > 0) {
                LOG.info(
                        "step leases expired: {} steps handed out again, {} failed on their last attempt",
                        swept.handedOutAgain(),
                        swept.failed());
            }
        } catch (RuntimeException e) {
            LOG.warn("sweeping expired step leases failed ({}); trying again in {}", e.getMessage(), EVERY);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
