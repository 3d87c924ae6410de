package io.aihub.server.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Function;

/**
 * Tokens whose signature this node has checked, with what they say, so a client's every request does
 * not parse and verify the same JWT again (that was a sixth of the hub's allocation under load). A
 * token is remembered only once its signature and claims have been verified, and by its exact text:
 * any other text, forged or not, is verified from scratch. Expiry is still checked on every use, and
 * revocation is not decided here at all ({@link ActiveKeys}). Bounded in number and by time unused;
 * forgetting a token only costs the verification it saved.
 */
final class VerifiedTokens {
    /** What a verified token says: who calls, and until when (null: no expiry). */
    record Verified(Caller caller, Instant expiresAt) {}

    /** A token unused this long is forgotten (a client that comes back pays one verification). */
    static final Duration UNUSED_FOR = Duration.ofMinutes(30);

    private final Cache<String, Verified> known;

    VerifiedTokens(int capacity) {
        this.known = Caffeine.newBuilder()
                .maximumSize(capacity)
                .expireAfterAccess(UNUSED_FOR)
                .executor(Runnable::run) // evicts on the caller's thread: a bound that holds at once
                .recordStats()
                .build();
    }

    /** Its hits and misses, as {@code cache_gets_total{cache="verified_tokens"}}. */
    void bindTo(MeterRegistry registry) {
        CaffeineCacheMetrics.monitor(registry, known, "verified_tokens");
    }

    /** The remembered verification of {@code token}, or {@code verify}'s, remembered if it succeeds. */
    Verified of(String token, Function<String, Verified> verify) {
        Verified verified = known.getIfPresent(token);
        if (verified != null) {
            return verified;
        }
        verified = verify.apply(token); // throws for a token that fails: nothing is remembered
        known.put(token, verified);
        return verified;
    }

    long size() {
        known.cleanUp();
        return known.estimatedSize();
    }
}
