package io.aihub.store.work;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** A test class's {@link Fixtures}, over a fresh schema opened before its tests and closed after them. */
abstract class WithFixtures {
    static Fixtures fx;

    @BeforeAll
    static void openFixtures() {
        fx = Fixtures.onFreshDatabase();
    }

    @AfterAll
    static void closeFixtures() {
        fx.close();
    }
}
