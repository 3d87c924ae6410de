package io.aihub.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.PlainHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.aihub.protocol.ApiError;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class TokensTest {
    private static final String SECRET = "a-signing-secret-of-at-least-32-characters";
    private static final String ADDRESS = "0x" + "ab".repeat(20);

    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));
    private final Tokens tokens = new Tokens(SECRET, now::get);

    @Test
    void apiKeys_carryTheAddressAsSubject_asTheSdksRequire() throws Exception {
        String key = tokens.apiKey(ADDRESS, "key-1");

        assertThat(SignedJWT.parse(key).getJWTClaimsSet().getSubject()).matches("^0x[a-fA-F0-9]{40}$");
        Caller caller = tokens.verify(key);
        assertThat(caller.address()).isEqualTo(ADDRESS);
        assertThat(caller.keyId()).isEqualTo("key-1");
        assertThat(caller.hasApiKey()).isTrue();
    }

    @Test
    void accessTokens_expireAfterTheirLifetime() {
        String token = tokens.accessToken(ADDRESS, "key-1", "did:nv:" + "0".repeat(64));
        assertThat(tokens.verify(token).agentDid()).isEqualTo("did:nv:" + "0".repeat(64));

        now.set(now.get().plus(Tokens.ACCESS_TOKEN_LIFETIME).plusSeconds(1));

        assertThatThrownBy(() -> tokens.verify(token))
                .isInstanceOf(ApiError.class)
                .hasMessageContaining("expired");
    }

    @Test
    void tokensSignedWithAnotherKey_unsigned_orNotOurs_areRefused() throws Exception {
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer("aihub")
                .subject(ADDRESS)
                .jwtID("key-1")
                .claim("kind", "api-key")
                .issueTime(Date.from(now.get()))
                .build();
        SignedJWT foreign = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        foreign.sign(new MACSigner("another-secret-of-at-least-32-characters!".getBytes(StandardCharsets.UTF_8)));
        String unsigned = new PlainJWT(new PlainHeader(), claims).serialize();
        String badSubject = tokens.apiKey("0x" + "ab".repeat(32), "key-1");

        for (String token : new String[] {foreign.serialize(), unsigned, badSubject, "abc.def.ghi", ""}) {
            assertThatThrownBy(() -> tokens.verify(token))
                    .as(token)
                    .isInstanceOfSatisfying(
                            ApiError.class, e -> assertThat(e.kind()).isEqualTo(ApiError.Kind.UNAUTHORIZED));
        }
    }

    @Test
    void aTokenVerifiedBefore_isAnsweredFromMemory_butItsExpiryIsCheckedAgain() {
        String token = tokens.accessToken(ADDRESS, "key-1", "did:nv:" + "1".repeat(64));
        Caller first = tokens.verify(token);

        assertThat(tokens.verify(token)).isSameAs(first);
        now.set(now.get().plus(Tokens.ACCESS_TOKEN_LIFETIME));
        assertThatThrownBy(() -> tokens.verify(token))
                .isInstanceOf(ApiError.class)
                .hasMessageContaining("expired");
    }

    @Test
    void aTokenDifferingFromAVerifiedOneInOneCharacter_isVerifiedAfresh_andRefused() {
        String token = tokens.apiKey(ADDRESS, "key-1");
        tokens.verify(token);
        int at = token.length() - 10; // inside the signature, clear of its last character's unused bits
        String tampered = token.substring(0, at) + (token.charAt(at) == 'A' ? 'B' : 'A') + token.substring(at + 1);

        assertThatThrownBy(() -> tokens.verify(tampered))
                .isInstanceOfSatisfying(
                        ApiError.class, e -> assertThat(e.kind()).isEqualTo(ApiError.Kind.UNAUTHORIZED));
    }

    @Test
    void onlyTheExactTextOfAToken_isAccepted_notTheOtherTextsTheJwtLibraryWouldDecodeToIt() {
        String token = tokens.apiKey(ADDRESS, "key-1");
        tokens.verify(token);
        char last = token.charAt(token.length() - 1);
        String spareBitsSet = token.substring(0, token.length() - 1) + (char) (last + 1); // same 256 bits
        String signatureSegment = token.substring(token.lastIndexOf('.') + 1);
        String standardBase64 = token.substring(0, token.lastIndexOf('.') + 1)
                + signatureSegment.replace('-', '+').replace('_', '/');

        for (String variant : new String[] {
            token + "!!!!",
            token + "=",
            spareBitsSet,
            token + "A".repeat(4),
            signatureSegment.matches(".*[-_].*") ? standardBase64 : token + "+"
        }) {
            assertThatThrownBy(() -> tokens.verify(variant))
                    .as(variant)
                    .isInstanceOfSatisfying(
                            ApiError.class, e -> assertThat(e.getMessage()).contains("not a well-formed JWT"));
        }
        assertThatThrownBy(() -> tokens.verify("a".repeat(3000) + "." + token))
                .hasMessageContaining("not a well-formed JWT");
    }

    @Test
    void addresses_areComparedCaseInsensitively() {
        Caller caller = tokens.verify(tokens.apiKey("0x" + "AB".repeat(20), "key-1"));

        assertThat(caller.address()).isEqualTo(ADDRESS);
    }

    @Test
    void theBearerPrefix_isOptional_inAnyCase() {
        assertThat(Authenticator.strip("Bearer abc")).isEqualTo("abc");
        assertThat(Authenticator.strip("bearer  abc")).isEqualTo("abc");
        assertThat(Authenticator.strip("abc")).isEqualTo("abc");
    }
}
