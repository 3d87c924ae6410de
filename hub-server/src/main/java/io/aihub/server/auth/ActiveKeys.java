package io.aihub.server.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Which account an active API key belongs to, looked up in the database and remembered for a moment,
 * so a client's burst of requests costs one lookup rather than one each. Only active keys are
 * remembered. A key revoked through this node is forgotten at once; one revoked through another node
 * is refused here too within {@link #FRESH_FOR}.
 */
final class ActiveKeys {
    static final Duration FRESH_FOR = Duration.ofSeconds(1);
    /** Keys remembered at most: a hundred bytes each. */
    private static final int REMEMBERED = 10_000;

    private final Function<String, Optional<String>> activeKeyOwner;
    private final Cache<String, String> recent;
    /** Bumped by every {@link #forget}: a lookup that a revocation overtook is not remembered. */
    private final AtomicLong forgets = new AtomicLong();

    /**
     * @param activeKeyOwner the account of a key that exists and is not revoked (the database's answer)
     * @param nanoTime       a monotonic clock ({@code System::nanoTime})
     */
    ActiveKeys(Function<String, Optional<String>> activeKeyOwner, LongSupplier nanoTime) {
        this.activeKeyOwner = activeKeyOwner;
        this.recent = Caffeine.newBuilder()
                .maximumSize(REMEMBERED)
                .expireAfterWrite(FRESH_FOR)
                .executor(Runnable::run) // its upkeep on the caller's thread, not a wake-up of another
                .ticker(nanoTime::getAsLong)
                .recordStats()
                .build();
    }

    /** Its hits and misses, as {@code cache_gets_total{cache="active_keys"}}. */
    void bindTo(MeterRegistry registry) {
        CaffeineCacheMetrics.monitor(registry, recent, "active_keys");
    }

    /** The owner remembered for the key, if it is: no database, and not counted as a get of the cache. */
    Optional<String> remembered(String keyId) {
        return Optional.ofNullable(recent.policy().getIfPresentQuietly(keyId));
    }

    Optional<String> owner(String keyId) {
        String remembered = recent.getIfPresent(keyId);
        if (remembered != null) {
            return Optional.of(remembered);
        }
        long forgetsBefore = forgets.get();
        Optional<String> owner = activeKeyOwner.apply(keyId);
        if (owner.isPresent()) {
            recent.put(keyId, owner.get());
            if (forgets.get() != forgetsBefore) {
                recent.invalidate(keyId); // a revocation overtook this lookup: its answer may be stale
            }
        }
        return owner;
    }

    void forget(String keyId) {
        forgets.incrementAndGet();
        recent.invalidate(keyId);
    }
}
