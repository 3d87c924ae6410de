package io.aihub.server.auth;

import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Tokens whose signature this node has checked, with what they say, so a client's every request does
 * not parse and verify the same JWT again (that was a sixth of the hub's allocation under load). A
 * token is remembered only once its signature and claims have been verified, and by its exact text:
 * any other text, forged or not, is verified from scratch. Expiry is still checked on every use, and
 * revocation is not decided here at all ({@link ActiveKeys}). Past {@code capacity} tokens everything
 * is forgotten at once, which costs only the verifications it saved.
 */
final class VerifiedTokens {
    /** What a verified token says: who calls, and until when (null: no expiry). */
    record Verified(Caller caller, Instant expiresAt) {
    }

    private final int capacity;
    private final ConcurrentHashMap<String, Verified> known = new ConcurrentHashMap<>();

    VerifiedTokens(int capacity) {
        this.capacity = capacity;
    }

    /** The remembered verification of {@code token}, or {@code verify}'s, remembered if it succeeds. */
    Verified of(String token, Function<String, Verified> verify) {
        Verified verified = known.get(token);
        if (verified != null) {
            return verified;
        }
        verified = verify.apply(token); // throws for a token that fails: nothing is remembered
        if (known.size() >= capacity) {
            known.clear();
        }
        known.put(token, verified);
        return verified;
    }

    int size() {
        return known.size();
    }
}
