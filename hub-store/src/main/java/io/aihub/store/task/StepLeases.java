package io.aihub.store.task;

import java.time.Duration;

/**
 * How long a step's lease lasts, and how often a step is handed out, unless its agent says otherwise.
 *
 * @param lease       a Pending or In_Progress step not updated for this long is handed out again
 * @param maxAttempts the attempt on which an expired lease fails the step (and its task) instead
 */
public record StepLeases(Duration lease, int maxAttempts) {
    /**
     * Five minutes: longer than a model call usually takes, and the SDKs' own workers never send a
     * heartbeat (they take a Pending step straight to Completed); five attempts: a worker can restart or
     * be redeployed a few times before a task fails, some 25 minutes after nobody took its step.
     */
    public static final StepLeases DEFAULTS = new StepLeases(Duration.ofMinutes(5), 5);

    public StepLeases {
        if (lease.isNegative() || lease.isZero() || maxAttempts < 1) {
            throw new IllegalArgumentException("the lease must be positive and steps must have at least one attempt");
        }
    }
}
