package io.aihub.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ActiveKeysTest {
    private final Map<String, String> database = new HashMap<>(Map.of("key-1", "0xowner"));
    private final AtomicInteger lookups = new AtomicInteger();
    private final AtomicLong clock = new AtomicLong(1_000);
    private final ActiveKeys keys = new ActiveKeys(
            keyId -> {
                lookups.incrementAndGet();
                return Optional.ofNullable(database.get(keyId));
            },
            clock::get);

    @Test
    void anActiveKey_isLookedUpOnce_withinTheWindow_andAgainAfterIt() {
        assertThat(keys.owner("key-1")).contains("0xowner");
        clock.addAndGet(ActiveKeys.FRESH_FOR.toNanos() - 1);
        assertThat(keys.owner("key-1")).contains("0xowner");
        assertThat(lookups).hasValue(1);

        clock.addAndGet(1);
        assertThat(keys.owner("key-1")).contains("0xowner");
        assertThat(lookups).hasValue(2);
    }

    @Test
    void aKeyRevokedElsewhere_isRefusedOnceTheWindowHasPassed() {
        assertThat(keys.owner("key-1")).isPresent();
        database.remove("key-1");

        clock.addAndGet(ActiveKeys.FRESH_FOR.toNanos());

        assertThat(keys.owner("key-1")).isEmpty();
    }

    @Test
    void aForgottenKey_isLookedUpAgainAtOnce() {
        assertThat(keys.owner("key-1")).isPresent();
        database.remove("key-1");

        keys.forget("key-1");

        assertThat(keys.owner("key-1")).isEmpty();
    }

    @Test
    void aLookupOvertakenByARevocation_isNotRemembered() {
        ActiveKeys[] racing = new ActiveKeys[1];
        racing[0] = new ActiveKeys(
                keyId -> {
                    lookups.incrementAndGet();
                    Optional<String> answer = Optional.ofNullable(database.get(keyId));
                    database.remove(keyId); // the key is revoked while the lookup's answer is on its way
                    racing[0].forget(keyId);
                    return answer;
                },
                clock::get);

        assertThat(racing[0].owner("key-1")).contains("0xowner");
        assertThat(racing[0].owner("key-1")).isEmpty();
        assertThat(lookups).hasValue(2);
    }

    @Test
    void unknownOrRevokedKeys_areNeverRemembered() {
        assertThat(keys.owner("key-2")).isEmpty();
        database.put("key-2", "0xother");
        assertThat(keys.owner("key-2")).contains("0xother");
        assertThat(lookups).hasValue(2);
    }

    @Test
    void whatIsRemembered_isKnownWithoutTheDatabase_untilTheWindowPassesOrTheKeyIsForgotten() {
        assertThat(keys.remembered("key-1")).isEmpty();
        assertThat(lookups).hasValue(0);

        keys.owner("key-1");
        assertThat(keys.remembered("key-1")).contains("0xowner");
        clock.addAndGet(ActiveKeys.FRESH_FOR.toNanos());
        assertThat(keys.remembered("key-1")).isEmpty();

        keys.owner("key-1");
        keys.forget("key-1");
        assertThat(keys.remembered("key-1")).isEmpty();
        assertThat(lookups).hasValue(2);
    }
}
