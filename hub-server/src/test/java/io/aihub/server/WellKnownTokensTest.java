package io.aihub.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WellKnownTokensTest {

    @ParameterizedTest
    @CsvSource({
        "change-me-admin-token, true",
        "CHANGE-ME-please-0123456789, true",
        "my-changeme-token-0123456789, true",
        "kq3ZxW9v1LrT8yN2pB5sD7fH0jM4cE6a, false"
    })
    void theComposeFilesDefaultAndItsKin_areWellKnown_aRandomSecretIsNot(String token, boolean wellKnown) {
        assertThat(WellKnownTokens.isWellKnown(token)).isEqualTo(wellKnown);
    }
}
