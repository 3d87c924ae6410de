package io.aihub.server.auth;

import io.aihub.protocol.ApiError;
import io.aihub.store.account.AccountStore;
import io.aihub.store.account.ApiKey;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Collection;
import java.util.Optional;
import java.util.Set;

/** Resolves the {@code Authorization: Bearer ...} header of a request into a {@link Caller}, or refuses it. */
public final class Authenticator {
    private static final String BEARER = "bearer ";

    private final Tokens tokens;
    private final AccountStore accounts;
    private final ActiveKeys activeKeys;
    private final byte[] adminToken;
    private final RateLimits rateLimits;

    public Authenticator(Tokens tokens, AccountStore accounts, String adminToken, RateLimit rateLimit) {
        this.tokens = tokens;
        this.accounts = accounts;
        this.activeKeys = new ActiveKeys(accounts::activeKeyOwner, System::nanoTime);
        this.adminToken = adminToken.getBytes(StandardCharsets.UTF_8);
        this.rateLimits = new RateLimits(rateLimit);
    }

    /** The hit rates of the key caches (verified tokens, active keys), in {@code registry}. */
    public void bindCaches(MeterRegistry registry) {
        tokens.bindCache(registry);
        activeKeys.bindTo(registry);
    }

    /** Where a request's token, once its signature was checked from the headers, is left for its handler. */
    public static final String SIGNED_CALLER = "aihub.signed-caller";

    /** Where the owner of the request's key, when it was known active without the database, is left. */
    private static final String ACTIVE_OWNER = "aihub.active-owner";

    /**
     * Whether the request's key is known to be active without asking the database (its signature checked
     * by the gate, its key remembered); the answer is kept with the request, so its handler asks nothing.
     * Asked only when the request is to start at once: what it keeps is as fresh as the key cache.
     */
    public boolean knownActive(RoutingContext ctx) {
        Caller signed = ctx.get(SIGNED_CALLER);
        if (signed == null) {
            return false;
        }
        Optional<String> owner = activeKeys.remembered(signed.keyId());
        owner.ifPresent(known -> ctx.put(ACTIVE_OWNER, known));
        return owner.isPresent();
    }

    /** Any valid, unrevoked credential: an API key or an access token, within its key's rate limit. */
    public Caller caller(RoutingContext ctx) {
        Caller signed = ctx.get(SIGNED_CALLER);
        Caller caller = signed != null ? signed : signed(bearer(ctx));
        String known = ctx.get(ACTIVE_OWNER); // left only with a signed caller, by knownActive
        requireOwner(caller, known != null ? Optional.of(known) : activeKeys.owner(caller.keyId()));
        throttle(caller);
        return caller;
    }

    /** Counts one request or socket event against the caller's key; 429 past its rate limit (if one is set). */
    public void throttle(Caller caller) {
        rateLimits.take(caller.keyId());
    }

    /** Verifies a bearer token (with or without the {@code Bearer } prefix): signature, expiry, revocation. */
    public Caller verify(String token) {
        Caller caller = signed(token);
        requireActive(caller);
        return caller;
    }

    /** The request's bearer token, its signature and expiry checked (no database): who it claims to be. */
    public Caller signedCaller(RoutingContext ctx) {
        return signed(bearer(ctx));
    }

    /** Checks a token's signature and expiry only (no database). */
    public Caller signed(String token) {
        return tokens.verify(strip(token.strip()));
    }

    /**
     * Checks that the key a verified token rests on exists, is not revoked, and is the caller's. The
     * answer is remembered for up to a second (see {@link ActiveKeys}).
     */
    public void requireActive(Caller caller) {
        requireOwner(caller, activeKeys.owner(caller.keyId()));
    }

    private static void requireOwner(Caller caller, Optional<String> active) {
        String owner = active.orElseThrow(
                () -> ApiError.unauthorized("the API key behind this token was revoked or does not exist"));
        if (!owner.equals(caller.address())) {
            throw ApiError.unauthorized("the bearer token does not match its API key's account");
        }
    }

    /** Revokes a key: refused by this node at once, and by every node within a second. */
    public ApiKey revoke(String keyId) {
        ApiKey revoked = accounts.revokeKey(keyId);
        activeKeys.forget(revoked.keyId());
        return revoked;
    }

    /** Of these callers' keys, the ones still active (one query, for sweeping live sockets). */
    public Set<String> activeKeys(Collection<String> keyIds) {
        return accounts.activeAmong(keyIds);
    }

    /** An agent builder's call: only an API key will do. */
    public Caller builder(RoutingContext ctx) {
        Caller caller = caller(ctx);
        if (!caller.hasApiKey()) {
            throw ApiError.forbidden("access tokens only open the task routes of their agent; use your API key here");
        }
        return caller;
    }

    /** A subscriber's call on an agent's task routes: an API key, or an access token issued for that agent. */
    public Caller subscriber(RoutingContext ctx, String did) {
        Caller caller = caller(ctx);
        if (!caller.hasApiKey() && !caller.agentDid().equals(did)) {
            throw ApiError.forbidden("this access token was issued for agent " + caller.agentDid() + ", not " + did
                    + "; get one from /api/v1/payments/service/token/" + did);
        }
        return caller;
    }

    /** The operator: the admin token, compared in constant time. */
    public void admin(RoutingContext ctx) {
        byte[] presented = bearer(ctx).getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(presented, adminToken)) {
            throw ApiError.unauthorized("the admin API needs Authorization: Bearer <HUB_ADMIN_TOKEN>");
        }
    }

    private static String bearer(RoutingContext ctx) {
        String header = ctx.request().getHeader("Authorization");
        if (header == null || header.isBlank()) {
            throw ApiError.unauthorized("missing Authorization header: send Authorization: Bearer <api key>");
        }
        return strip(header.strip());
    }

    /** Removes an optional {@code Bearer } prefix (any case). */
    public static String strip(String credential) {
        return credential.regionMatches(true, 0, BEARER, 0, BEARER.length())
                ? credential.substring(BEARER.length()).strip()
                : credential;
    }
}
