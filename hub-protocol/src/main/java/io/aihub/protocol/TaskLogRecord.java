package io.aihub.protocol;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/** A log line of a task, as returned under {@code logs} and relayed as {@code task-log}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TaskLogRecord(
        @JsonProperty("tl_id") String logId,
        @JsonProperty("task_id") String taskId,
        @JsonProperty("step_id") String stepId,
        @JsonProperty("task_status") Status taskStatus,
        @JsonProperty("level") String level,
        @JsonProperty("message") String message,

        @JsonProperty("createdAt") @JsonFormat(pattern = Timestamps.PATTERN, timezone = "UTC")
        Instant createdAt) {

    @JsonProperty("updatedAt")
    @JsonFormat(pattern = Timestamps.PATTERN, timezone = "UTC")
    public Instant updatedAt() {
        return createdAt;
    }
}
