package io.aihub.store.account;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.aihub.protocol.Timestamps;
import java.time.Instant;

/** The stored half of an API key: its id (the JWT's {@code jti}), its account and whether it was revoked. */
public record ApiKey(
        @JsonProperty("key_id") String keyId,
        @JsonProperty("address") String address,

        @JsonProperty("createdAt") @JsonFormat(pattern = Timestamps.PATTERN, timezone = "UTC")
        Instant createdAt,

        @JsonProperty("revokedAt") @JsonFormat(pattern = Timestamps.PATTERN, timezone = "UTC")
        Instant revokedAt) {}
