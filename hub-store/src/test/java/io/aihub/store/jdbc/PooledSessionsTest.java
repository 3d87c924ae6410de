package io.aihub.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The pool's sessions keep {@code idle_in_transaction_session_timeout} for good and never sit idle in a
 * transaction: an idle hub's connections are not ended by the server under it.
 */
class PooledSessionsTest {
    private static final String SHOW = "show idle_in_transaction_session_timeout";

    @Test
    void everyPooledSession_keepsItsSetting_evenAfterARollback_andNoneIsLeftIdleInATransaction() {
        String name = "aihub_pool_" + UUID.randomUUID().toString().substring(0, 8);
        try (Database database =
                Database.open(new DatabaseConfig(TestDatabase.freshSchemaUrl() + "&ApplicationName=" + name, 2))) {
            Throwable rolledBack = catchThrowable(() -> database.transaction(tx -> {
                tx.update("set local statement_timeout = '5s'");
                throw new IllegalStateException("roll this back");
            }));

            assertThat(rolledBack).hasMessage("roll this back");
            for (int i = 0; i < 4; i++) { // more borrows than the pool has connections
                String inTransaction = database.transaction(
                        tx -> tx.one(SHOW, row -> row.getString(1)).orElseThrow());
                String inAutocommit = database.lookup(
                        tx -> tx.one(SHOW, row -> row.getString(1)).orElseThrow());
                assertThat(inTransaction).isEqualTo("30s");
                assertThat(inAutocommit).isEqualTo("30s");
            }
            long idleInTransaction = database.lookup(tx -> tx.one(
                            "select count(*) from pg_stat_activity where application_name = ? and state like 'idle in transaction%'",
                            RowMapper.COUNT, name)
                    .orElseThrow());
            assertThat(idleInTransaction).isZero();
        }
    }
}
