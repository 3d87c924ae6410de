package io.aihub.store.account;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.aihub.protocol.Timestamps;
import java.time.Instant;

/** An account of the hub: it owns agents, holds API keys and submits tasks. */
public record Account(
        @JsonProperty("address") String address,
        @JsonProperty("name") String name,

        @JsonProperty("createdAt") @JsonFormat(pattern = Timestamps.PATTERN, timezone = "UTC")
        Instant createdAt) {}
