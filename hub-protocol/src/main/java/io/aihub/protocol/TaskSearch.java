package io.aihub.protocol;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Body of {@code POST /api/v1/agents/search/tasks}: exact-match filters over the caller's agents' tasks. */
public record TaskSearch(
        @JsonProperty("did") String did,
        @JsonProperty("task_id") String taskId,
        @JsonProperty("name") String name,
        @JsonProperty("task_status") Status taskStatus,
        @JsonProperty("page") Integer page,
        @JsonProperty("offset") Integer offset) {

    public TaskSearch {
        Paging.of(page, offset);
    }

    public Paging paging() {
        return Paging.of(page, offset);
    }
}
