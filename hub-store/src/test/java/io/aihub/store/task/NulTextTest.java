package io.aihub.store.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aihub.protocol.ApiError;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NulTextTest {

    @Test
    void aNulAnywhere_inTextOrInParsedJson_isRefusedWith400() {
        for (Object value : List.of(
                "a \u0000 b",
                Map.of("note", "nul \u0000 inside"),
                Map.of("key \u0000", "v"),
                List.of("fine", List.of(Map.of("deep", "\u0000"))))) {
            assertThatThrownBy(() -> NulText.refuse("fine", value))
                    .isInstanceOfSatisfying(
                            ApiError.class,
                            refused -> assertThat(refused.kind()).isEqualTo(ApiError.Kind.BAD_REQUEST));
        }
    }

    @Test
    void textsWithoutNul_andOtherValues_pass() {
        assertThatCode(() -> NulText.refuse(
                        null, "plain", "escaped \\u0000 as six characters", Map.of("n", 1), List.of(true, 2.5)))
                .doesNotThrowAnyException();
    }
}
