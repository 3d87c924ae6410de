package io.aihub.store.agent;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.aihub.protocol.Timestamps;
import java.time.Instant;

/**
 * An AI agent registered on the hub, identified by its DID and owned by one account.
 *
 * @param stepLeaseSeconds how long its steps' leases last; null: the hub's {@code HUB_STEP_LEASE_SECONDS}
 * @param stepMaxAttempts  how often its steps are handed out; null: the hub's {@code HUB_STEP_MAX_ATTEMPTS}
 */
public record Agent(
        @JsonProperty("did") String did,
        @JsonProperty("owner") String owner,
        @JsonProperty("name") String name,
        @JsonProperty("description") String description,
        @JsonProperty("step_lease_seconds") Integer stepLeaseSeconds,
        @JsonProperty("step_max_attempts") Integer stepMaxAttempts,

        @JsonProperty("createdAt") @JsonFormat(pattern = Timestamps.PATTERN, timezone = "UTC")
        Instant createdAt) {

    public static final int MAX_LEASE_SECONDS = 86_400;
    public static final int MAX_ATTEMPTS = 100;
}
