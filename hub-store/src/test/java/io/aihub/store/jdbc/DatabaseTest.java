package io.aihub.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.aihub.protocol.ApiError;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DatabaseTest {
    private static Database database;

    @BeforeAll
    static void open() {
        database = TestDatabase.openFresh();
    }

    @AfterAll
    static void close() {
        database.close();
    }

    @Test
    void lookups_runEachStatementInItsOwnTransaction_andTransactionsShareOne() {
        Work<Optional<String>> setThenRead = tx -> {
            tx.one(
                    "select set_config('hub_test.marker', 'set', true)",
                    row -> Boolean.TRUE); // until the transaction ends
            return tx.one("select coalesce(current_setting('hub_test.marker', true), '')", row -> row.getString(1));
        };

        Optional<String> inLookup = database.lookup(setThenRead);
        Optional<String> inTransaction = database.transaction(setThenRead);

        assertThat(inLookup).contains("");
        assertThat(inTransaction).contains("set");
    }

    @Test
    void workThatFailsAfterAPipelineCommittedIt_isReportedAsSuch_andWhatItWroteStays() {
        database.transaction(tx -> tx.update("create table if not exists kept (n int)"));

        Throwable failed = catchThrowable(() -> database.transaction(tx -> {
            Pipeline last = tx.pipeline();
            last.add("insert into kept values (7) returning n", row -> row.getInt(1));
            last.runAndCommit();
            return tx.list("select n from kept", row -> row.getInt(1)); // refused: the transaction is over
        }));

        List<Integer> kept = database.lookup(tx -> tx.list("select n from kept", row -> row.getInt(1)));
        assertThat(failed).isInstanceOf(Database.FailedAfterCommit.class);
        assertThat(kept).containsExactly(7);
    }

    @Test
    void pooledConnections_askTheServerToEndSessionsLeftIdleInATransaction() {
        Optional<String> timeout =
                database.lookup(tx -> tx.one("show idle_in_transaction_session_timeout", row -> row.getString(1)));

        assertThat(timeout).contains("30s");
    }

    @Test
    void failuresThatARetryMaySolve_are503s_notServerErrors() {
        for (String state :
                new String[] {"40001", "40P01", "55P03", "57014", "53300", "53100", "25P03", "25P04", "08006"}) {
            RuntimeException translated = Database.translate(new SQLException("refused", state));

            assertThat(translated)
                    .as(state)
                    .isInstanceOfSatisfying(
                            ApiError.class, error -> assertThat(error.kind()).isEqualTo(ApiError.Kind.UNAVAILABLE));
        }
        assertThat(Database.translate(new SQLException("bug", "42601"))).isInstanceOf(StoreException.class);
    }
}
