package io.aihub.server.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.aihub.protocol.ApiError;
import io.aihub.protocol.Ids;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Date;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Signs and verifies the hub's two bearer credentials, both HS256 JWTs whose {@code sub} is the
 * account address (the SDKs decode it, unverified, to find the account):
 * API keys ({@code jti} = the stored key id) and access tokens for one agent (bound to the key they
 * were issued with, so revoking the key revokes them).
 */
public final class Tokens {
    static final String ISSUER = "aihub";
    static final String KIND = "kind";
    static final String API_KEY = "api-key";
    static final String ACCESS = "access";
    static final String AGENT = "did";
    static final String KEY = "key";
    public static final Duration ACCESS_TOKEN_LIFETIME = Duration.ofHours(24);

    /**
     * The only text of a token this hub accepts: three base64url segments without padding, the last an
     * HS256 signature (32 bytes: 43 characters, the last one's two spare bits zero). The JWT library is lenient (it skips characters outside
     * the alphabet, accepts standard base64 too, and verifies the first two segments only), so without
     * this many texts would pass for one token, and each would be remembered apart.
     */
    private static final Pattern COMPACT_HS256 =
            Pattern.compile("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]");
    /** Far above the hub's own tokens (under 600 characters). */
    private static final int MAX_TOKEN_CHARS = 2048;
    /** Verified tokens remembered: a few hundred bytes each, a few MiB when full. */
    private static final int TOKENS_REMEMBERED = 10_000;

    private final MACSigner signer;
    private final MACVerifier verifier;
    private final InstantSource clock;
    private final VerifiedTokens verifiedTokens = new VerifiedTokens(TOKENS_REMEMBERED);

    public Tokens(String secret, InstantSource clock) {
        try {
            byte[] key = secret.getBytes(StandardCharsets.UTF_8);
            this.signer = new MACSigner(key);
            this.verifier = new MACVerifier(key);
        } catch (JOSEException e) {
            throw new IllegalArgumentException("signing key is too short for HS256: " + e.getMessage(), e);
        }
        this.clock = clock;
    }

    public String apiKey(String address, String keyId) {
        return sign(claims(address).jwtID(keyId).claim(KIND, API_KEY).build());
    }

    public String accessToken(String address, String keyId, String did) {
        Instant now = clock.instant();
        return sign(claims(address)
                .jwtID(UUID.randomUUID().toString())
                .claim(KIND, ACCESS)
                .claim(KEY, keyId)
                .claim(AGENT, did)
                .expirationTime(Date.from(now.plus(ACCESS_TOKEN_LIFETIME)))
                .build());
    }

    /** The remembered verifications' hits and misses, in {@code registry}. */
    void bindCache(MeterRegistry registry) {
        verifiedTokens.bindTo(registry);
    }
    /**
     * Verifies signature, issuer and expiry; the caller still has to check the key is not revoked. A
     * token verified before is answered from memory ({@link VerifiedTokens}), its expiry checked again.
     */
    public Caller verify(String token) {
        if (token.length() > MAX_TOKEN_CHARS) {
            throw ApiError.unauthorized("the bearer token is not a well-formed JWT");
        }
        // A remembered token is this exact text, which passed the form check when it was verified.
        VerifiedTokens.Verified verified = verifiedTokens.of(token, this::verifyWellFormed);
        requireUnexpired(verified.expiresAt());
        return verified.caller();
    }

    private VerifiedTokens.Verified verifyWellFormed(String token) {
        if (!COMPACT_HS256.matcher(token).matches()) {
            throw ApiError.unauthorized("the bearer token is not a well-formed JWT");
        }
        return verifySignedClaims(token);
    }

    private void requireUnexpired(Instant expiresAt) {
        if (expiresAt != null && !expiresAt.isAfter(clock.instant())) {
            throw ApiError.unauthorized("the bearer token expired at " + expiresAt + "; get a new one");
        }
    }

    private VerifiedTokens.Verified verifySignedClaims(String token) {
        try {
            SignedJWT jwt = SignedJWT.parse(token);
            if (!JWSAlgorithm.HS256.equals(jwt.getHeader().getAlgorithm()) || !jwt.verify(verifier)) {
                throw ApiError.unauthorized("the bearer token was not issued by this hub (bad signature)");
            }
            JWTClaimsSet claims = jwt.getJWTClaimsSet();
            if (!ISSUER.equals(claims.getIssuer()) || !Ids.isAddress(claims.getSubject())) {
                throw ApiError.unauthorized("the bearer token was not issued by this hub");
            }
            Instant expiresAt = claims.getExpirationTime() == null
                    ? null
                    : claims.getExpirationTime().toInstant();
            requireUnexpired(expiresAt); // an expired token is not remembered
            String kind = claims.getStringClaim(KIND);
            String address = claims.getSubject().toLowerCase(Locale.ROOT);
            if (API_KEY.equals(kind) && claims.getJWTID() != null) {
                return new VerifiedTokens.Verified(
                        new Caller(address, Caller.Credential.API_KEY, claims.getJWTID(), null), expiresAt);
            }
            if (ACCESS.equals(kind) && claims.getStringClaim(KEY) != null && claims.getStringClaim(AGENT) != null) {
                return new VerifiedTokens.Verified(
                        new Caller(
                                address,
                                Caller.Credential.ACCESS_TOKEN,
                                claims.getStringClaim(KEY),
                                claims.getStringClaim(AGENT)),
                        expiresAt);
            }
            throw ApiError.unauthorized("the bearer token is neither an API key nor an access token of this hub");
        } catch (ParseException | JOSEException e) {
            throw ApiError.unauthorized("the bearer token is not a well-formed JWT");
        }
    }

    private JWTClaimsSet.Builder claims(String address) {
        return new JWTClaimsSet.Builder().issuer(ISSUER).subject(address).issueTime(Date.from(clock.instant()));
    }

    private String sign(JWTClaimsSet claims) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
            jwt.sign(signer);
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign a token", e);
        }
    }
}
