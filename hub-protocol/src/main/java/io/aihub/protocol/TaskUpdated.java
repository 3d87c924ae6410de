package io.aihub.protocol;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/**
 * Payload of {@code task-updated}. The TypeScript SDK reads {@code task_status}, the Python SDK
 * requires {@code status}: both carry the same value. A task log that carries a status is relayed as
 * a {@code task-updated} too, with the log's {@code message}, {@code level} and {@code step_id}.
 */
public record TaskUpdated(
        @JsonProperty("task_id") String taskId,
        @JsonProperty("did") String did,
        @JsonProperty("task_status") Status taskStatus,
        @JsonProperty("name") String name,
        @JsonProperty("output") String output,
        @JsonProperty("cost") long cost,

        @JsonProperty("updatedAt") @JsonFormat(pattern = Timestamps.PATTERN, timezone = "UTC")
        Instant updatedAt,

        @JsonProperty("message") @JsonInclude(JsonInclude.Include.NON_NULL)
        String message,

        @JsonProperty("level") @JsonInclude(JsonInclude.Include.NON_NULL)
        String level,

        @JsonProperty("step_id") @JsonInclude(JsonInclude.Include.NON_NULL)
        String stepId) {

    /** The task's current state. */
    public static TaskUpdated of(TaskRecord task) {
        return new TaskUpdated(
                task.taskId(),
                task.did(),
                task.taskStatus(),
                task.name(),
                task.output(),
                task.cost(),
                task.updatedAt(),
                null,
                null,
                null);
    }

    /** A log line that reports a status, relayed to the task's room. */
    public static TaskUpdated of(TaskRecord task, TaskLogRecord log) {
        return new TaskUpdated(
                task.taskId(),
                task.did(),
                log.taskStatus(),
                task.name(),
                task.output(),
                task.cost(),
                log.createdAt(),
                log.message(),
                log.level(),
                log.stepId());
    }

    @JsonProperty("status")
    public Status status() {
        return taskStatus;
    }

    /**
     * The task's last {@code task-updated}: a snapshot of the task in a terminal status. A log line that
     * reports a terminal status ends nothing: logs relay a status, they never set the task's.
     */
    @JsonIgnore
    public boolean endsTask() {
        return message == null && level == null && stepId == null && taskStatus != null && taskStatus.isTerminal();
    }
}
