package io.aihub.protocol;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/**
 * Payload of {@code task-updated}. The TypeScript SDK reads {@code task_status}, the Python SDK
 * requires {@code status}: both carry the same value.
 */
public record TaskUpdated(
        @JsonProperty("task_id") String taskId,
        @JsonProperty("did") String did,
        @JsonProperty("task_status") Status taskStatus,
        @JsonProperty("name") String name,
        @JsonProperty("output") String output,
        @JsonProperty("cost") long cost,
        @JsonProperty("updatedAt") @JsonFormat(pattern = Timestamps.PATTERN, timezone = "UTC") Instant updatedAt) {

    public static TaskUpdated of(TaskRecord task) {
        return new TaskUpdated(task.taskId(), task.did(), task.taskStatus(), task.name(), task.output(),
                task.cost(), task.updatedAt());
    }

    @JsonProperty("status")
    public Status status() {
        return taskStatus;
    }
}
