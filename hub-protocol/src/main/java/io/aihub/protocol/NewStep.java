package io.aihub.protocol;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One step in the body of {@code POST /api/v1/agents/{did}/tasks/{taskId}/steps}. Absent fields get
 * the protocol's defaults when the step is stored (id, predecessor, order, status).
 */
public record NewStep(
        @JsonProperty("step_id") String stepId,
        @JsonProperty("name") String name,
        @JsonProperty("order") Integer order,
        @JsonProperty("predecessor") String predecessor,
        @JsonProperty("is_last") Boolean isLast,
        @JsonProperty("step_status") Status stepStatus,
        @JsonProperty("input_query") String inputQuery,
        @JsonProperty("input_params") Object inputParams,
        @JsonProperty("input_additional") Object inputAdditional,
        @JsonProperty("input_artifacts") Object inputArtifacts,
        @JsonProperty("cost") Long cost) {

    public NewStep {
        Fields.requireOrder("order", order);
        if (stepStatus != null && stepStatus != Status.Pending && stepStatus != Status.Not_Ready) {
            throw ApiError.invalid("step_status", "of a new step must be Pending or Not_Ready, not " + stepStatus);
        }
        Fields.requireArray("input_params", inputParams);
        Fields.requireObject("input_additional", inputAdditional);
        Fields.requireArray("input_artifacts", inputArtifacts);
        Fields.requireCost("cost", cost);
    }
}
