package io.aihub.server.auth;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
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
    /** Past this many remembered keys, stale entries are dropped before another is added. */
    private static final int PRUNE_ABOVE = 10_000;

    private record Checked(String owner, long atNanos) {
    }

    private final Function<String, Optional<String>> activeKeyOwner;
    private final LongSupplier nanoTime;
    private final ConcurrentHashMap<String, Checked> recent = new ConcurrentHashMap<>();
    /** Bumped by every {@link #forget}: a lookup that a revocation overtook is not remembered. */
    private final AtomicLong forgets = new AtomicLong();

    /**
     * @param activeKeyOwner the account of a key that exists and is not revoked (the database's answer)
     * @param nanoTime       a monotonic clock ({@code System::nanoTime})
     */
    ActiveKeys(Function<String, Optional<String>> activeKeyOwner, LongSupplier nanoTime) {
        this.activeKeyOwner = activeKeyOwner;
        this.nanoTime = nanoTime;
    }

    Optional<String> owner(String keyId) {
        long now = nanoTime.getAsLong();
        Checked checked = recent.get(keyId);
        if (checked != null && now - checked.atNanos() < FRESH_FOR.toNanos()) {
            return Optional.of(checked.owner());
        }
        long forgetsBefore = forgets.get();
        Optional<String> owner = activeKeyOwner.apply(keyId);
        if (owner.isEmpty()) {
            recent.remove(keyId);
            return owner;
        }
        if (recent.size() >= PRUNE_ABOVE) {
            recent.values().removeIf(entry -> now - entry.atNanos() >= FRESH_FOR.toNanos());
        }
        recent.put(keyId, new Checked(owner.get(), now));
        if (forgets.get() != forgetsBefore) {
            recent.remove(keyId); // a revocation overtook this lookup: its answer may be stale
        }
        return owner;
    }

    void forget(String keyId) {
        forgets.incrementAndGet();
        recent.remove(keyId);
    }
}
