package io.aihub.store.task;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** A test class's {@link Fixtures}, over a fresh schema opened before its tests and closed after them. */
public abstract class WithFixtures {
    protected static Fixtures fx;

    @BeforeAll
    public static void openFixtures() {
        fx = Fixtures.onFreshDatabase();
    }

    @AfterAll
    public static void closeFixtures() {
        fx.close();
    }
}
