package io.aihub.store.agent;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.aihub.protocol.Timestamps;
import java.time.Instant;

/** An AI agent registered on the hub, identified by its DID and owned by one account. */
public record Agent(
        @JsonProperty("did") String did,
        @JsonProperty("owner") String owner,
        @JsonProperty("name") String name,
        @JsonProperty("description") String description,

        @JsonProperty("createdAt") @JsonFormat(pattern = Timestamps.PATTERN, timezone = "UTC")
        Instant createdAt) {}
