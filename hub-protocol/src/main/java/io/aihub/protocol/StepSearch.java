package io.aihub.protocol;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Body of {@code POST /api/v1/agents/search/steps}: exact-match filters over the caller's agents' steps. */
public record StepSearch(
        @JsonProperty("step_id") String stepId,
        @JsonProperty("task_id") String taskId,
        @JsonProperty("did") String did,
        @JsonProperty("name") String name,
        @JsonProperty("step_status") Status stepStatus,
        @JsonProperty("page") Integer page,
        @JsonProperty("offset") Integer offset) {

    public StepSearch {
        Paging.of(page, offset);
    }

    public Paging paging() {
        return Paging.of(page, offset);
    }
}
