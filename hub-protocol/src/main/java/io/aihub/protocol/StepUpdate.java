package io.aihub.protocol;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Body of {@code PUT /api/v1/agents/{did}/tasks/{taskId}/step/{stepId}}: a partial step. The ids in
 * the path are authoritative; ids, timestamps and unknown fields in the body are ignored, and an
 * absent or null field keeps its stored value. {@code output}, {@code output_additional} and
 * {@code output_artifacts} are free-form (agents send strings, arrays or objects) and are normalised
 * when stored. {@code retries} is the attempt the update is for, as the step record the agent got says
 * (the TypeScript SDK sends the whole record back): an update for an earlier attempt than the step's is
 * refused, so a worker whose lease expired cannot overwrite the attempt that replaced it.
 */
public record StepUpdate(
        @JsonProperty("step_status") Status stepStatus,
        @JsonProperty("output") Object output,
        @JsonProperty("output_additional") Object outputAdditional,
        @JsonProperty("output_artifacts") Object outputArtifacts,
        @JsonProperty("cost") Long cost,
        @JsonProperty("is_last") Boolean isLast,
        @JsonProperty("name") String name,
        @JsonProperty("order") Integer order,
        @JsonProperty("predecessor") String predecessor,
        @JsonProperty("input_query") String inputQuery,
        @JsonProperty("input_params") Object inputParams,
        @JsonProperty("input_additional") Object inputAdditional,
        @JsonProperty("input_artifacts") Object inputArtifacts,
        @JsonProperty("retries") Integer retries) {

    public StepUpdate {
        Fields.requireCost("cost", cost);
        Fields.requireOrder("order", order);
        Fields.requireArray("input_params", inputParams);
        Fields.requireObject("input_additional", inputAdditional);
        Fields.requireArray("input_artifacts", inputArtifacts);
        if (retries != null && retries < 0) {
            throw ApiError.invalid("retries", "must be the step's attempt count, 0 or more, not " + retries);
        }
    }
}
