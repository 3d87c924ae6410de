package io.aihub.protocol;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonRawValue;
import java.time.Instant;

/**
 * A task as the SDKs read it. Strings the Python SDK requires are never null; JSON columns are
 * passed through as stored ({@link JsonRawValue}), already normalised to the shapes the SDKs accept.
 */
public record TaskRecord(
        @JsonProperty("task_id") String taskId,
        @JsonProperty("did") String did,
        @JsonProperty("user") String user,
        @JsonProperty("owner") String owner,
        @JsonProperty("task_status") Status taskStatus,
        @JsonProperty("name") String name,
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

    @JsonProperty("retries")
    public int retries() {
        return 0;
    }
}
