package io.aihub.store;

import static org.assertj.core.api.Assertions.assertThat;

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
            tx.one("select set_config('hub_test.marker', 'set', true)", row -> Boolean.TRUE); // until the transaction ends
            return tx.one("select coalesce(current_setting('hub_test.marker', true), '')", row -> row.getString(1));
        };

        Optional<String> inLookup = database.lookup(setThenRead);
        Optional<String> inTransaction = database.transaction(setThenRead);

        assertThat(inLookup).contains("");
        assertThat(inTransaction).contains("set");
    }
}
