package io.aihub.server.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.aihub.protocol.ApiError;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import java.time.Duration;

/**
 * One token bucket per API key (Bucket4j), shared by its REST requests and its socket events, and by
 * the access tokens issued with it: a key that sends faster than {@link RateLimit#perSecond()} after
 * its burst gets 429 with {@code Retry-After}. Buckets of keys unused for a while are forgotten (a
 * forgotten bucket comes back full). Per node: behind a load balancer, a key's limit is this times the
 * nodes it reaches.
 */
final class RateLimits {
    private static final int KEYS_REMEMBERED = 100_000;

    private final RateLimit limit;
    private final Cache<String, Bucket> buckets;

    RateLimits(RateLimit limit) {
        this.limit = limit;
        this.buckets = Caffeine.newBuilder()
                .maximumSize(KEYS_REMEMBERED)
                .expireAfterAccess(Duration.ofMinutes(10))
                .build();
    }

    /** Takes one token from the key's bucket, or refuses with 429 and when to try again. */
    void take(String keyId) {
        if (limit.isOff()) {
            return;
        }
        ConsumptionProbe probe = buckets.get(keyId, unused -> newBucket()).tryConsumeAndReturnRemaining(1);
        if (!probe.isConsumed()) {
            long waitSeconds = Math.max(
                    1, Duration.ofNanos(probe.getNanosToWaitForRefill()).toSeconds() + 1);
            throw ApiError.tooManyRequests(
                    "this API key sent more than " + limit.perSecond()
                            + " requests a second (HUB_RATE_LIMIT, bursts of " + limit.burst() + "); slow down",
                    (int) Math.min(Integer.MAX_VALUE, waitSeconds));
        }
    }

    private Bucket newBucket() {
        return Bucket.builder()
                .addLimit(Bandwidth.builder()
                        .capacity(limit.burst())
                        .refillGreedy(limit.perSecond(), Duration.ofSeconds(1))
                        .build())
                .build();
    }
}
