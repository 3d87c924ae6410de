package io.aihub.store.task;

import io.aihub.protocol.Status;
import io.aihub.protocol.StepUpdate;
import java.time.Instant;

/**
 * One step update as its agent's owner asked for it: who asks, for which step, what changes, and when
 * it was asked (the step's and the task's new {@code updated_at}).
 */
record StepChange(String owner, String did, String taskId, String stepId, StepUpdate update, Instant now)
        implements LifecycleWrites.Write {

    /** The status the step is to have: the one asked for, or {@code before} when the update names none. */
    Status target(Status before) {
        return update.stepStatus() == null ? before : update.stepStatus();
    }

    /** The {@code input_params} to store, if the update changes them (from {@code input_additional} too). */
    String inputParams() {
        return update.inputParams() != null
                ? JsonShapes.json(update.inputParams())
                : update.inputAdditional() != null ? JsonShapes.entryArray(update.inputAdditional()) : null;
    }

    /** The {@code input_additional} to store, if the update changes it (from {@code input_params} too). */
    String inputAdditional() {
        return update.inputAdditional() != null
                ? JsonShapes.json(update.inputAdditional())
                : JsonShapes.mergedObject(update.inputParams());
    }
}
