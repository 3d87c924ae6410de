package io.aihub.protocol;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonRawValue;
import java.time.Instant;

/** A step as the SDKs read it, always with its agent's {@code did}; also the {@code step-updated} payload. */
public record StepRecord(
        @JsonProperty("step_id") String stepId,
        @JsonProperty("task_id") String taskId,
        @JsonProperty("did") String did,
        @JsonProperty("step_status") Status stepStatus,
        @JsonProperty("name") String name,
        @JsonProperty("order") int order,
        @JsonProperty("predecessor") String predecessor,
        @JsonProperty("is_last") boolean isLast,
        @JsonProperty("retries") int retries,
        @JsonProperty("input_query") String inputQuery,
        @JsonProperty("input_params") @JsonRawValue String inputParams,
        @JsonProperty("input_additional") @JsonRawValue String inputAdditional,
        @JsonProperty("input_artifacts") @JsonRawValue String inputArtifacts,
        @JsonProperty("output") String output,
        @JsonProperty("output_additional") @JsonRawValue String outputAdditional,
        @JsonProperty("output_artifacts") @JsonRawValue String outputArtifacts,
        @JsonProperty("cost") long cost,

        @JsonProperty("createdAt") @JsonFormat(pattern = Timestamps.PATTERN, timezone = "UTC")
        Instant createdAt,

        @JsonProperty("updatedAt") @JsonFormat(pattern = Timestamps.PATTERN, timezone = "UTC")
        Instant updatedAt) {

    /** A step waits while its predecessor has not completed. */
    @JsonProperty("is_waiting")
    public boolean isWaiting() {
        return stepStatus == Status.Not_Ready;
    }

    @JsonProperty("created_at")
    @JsonFormat(pattern = Timestamps.PATTERN, timezone = "UTC")
    public Instant createdAtSnake() {
        return createdAt;
    }

    @JsonProperty("updated_at")
    @JsonFormat(pattern = Timestamps.PATTERN, timezone = "UTC")
    public Instant updatedAtSnake() {
        return updatedAt;
    }
}
