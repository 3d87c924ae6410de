package io.aihub.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aihub.protocol.ApiError;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class VerifiedTokensTest {
    private final AtomicInteger verifications = new AtomicInteger();
    private final Function<String, VerifiedTokens.Verified> verify = token -> {
        verifications.incrementAndGet();
        if (token.startsWith("bad")) {
            throw ApiError.unauthorized("the bearer token was not issued by this hub (bad signature)");
        }
        return new VerifiedTokens.Verified(
                new Caller("0x" + "ab".repeat(20), Caller.Credential.API_KEY, token, null), null);
    };

    @Test
    void aTokenIsVerifiedOnce_thenAnsweredFromMemory() {
        VerifiedTokens memo = new VerifiedTokens(10);

        VerifiedTokens.Verified first = memo.of("good-1", verify);

        assertThat(memo.of("good-1", verify)).isSameAs(first);
        assertThat(verifications).hasValue(1);
    }

    @Test
    void aRefusedToken_isNotRemembered_andIsVerifiedAgainNextTime() {
        VerifiedTokens memo = new VerifiedTokens(10);

        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> memo.of("bad-1", verify)).isInstanceOf(ApiError.class);
        }

        assertThat(verifications).hasValue(2);
        assertThat(memo.size()).isZero();
    }

    @Test
    void manyTokens_areHeldWithinItsCapacity_andEveryOneStillVerifies() {
        VerifiedTokens memo = new VerifiedTokens(100);

        for (int i = 0; i < 10_000; i++) {
            assertThat(memo.of("good-" + i, verify).caller().keyId()).isEqualTo("good-" + i);
        }

        assertThat(memo.size()).isLessThanOrEqualTo(100);
        assertThat(verifications).hasValue(10_000);
    }
}
