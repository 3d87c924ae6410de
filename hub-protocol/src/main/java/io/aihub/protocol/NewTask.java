package io.aihub.protocol;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Body of {@code POST /api/v1/agents/{did}/tasks}. Accepts both generations of field names:
 * {@code query/additional_params/artifacts} (TypeScript 0.5-0.8, Python up to 0.6) and
 * {@code input_query/input_additional/input_artifacts} (Python 0.7, TypeScript 0.9).
 */
public record NewTask(
        @JsonProperty("query") @JsonAlias("input_query") String query,
        @JsonProperty("name") String name,
        @JsonProperty("additional_params") Object additionalParams,
        @JsonProperty("input_additional") Object inputAdditional,

        @JsonProperty("artifacts") @JsonAlias("input_artifacts")
        Object artifacts) {

    public NewTask {
        if (query == null || query.isBlank()) {
            throw ApiError.invalid("query", "is required: send the text for the agent as `query` or `input_query`");
        }
        name = name == null ? "" : name;
        Fields.requireArray("additional_params", additionalParams);
        Fields.requireObject("input_additional", inputAdditional);
        Fields.requireArray("input_artifacts", artifacts);
    }
}
