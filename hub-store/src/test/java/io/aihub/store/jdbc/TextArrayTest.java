package io.aihub.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.Oid;

/**
 * A {@code String[]} bound by {@link Tx} arrives in PostgreSQL as the same {@code text[]}, element for
 * element, whether the connection sends it in binary (the default), as text, or written into the SQL
 * ({@code preferQueryMode=simple}).
 */
class TextArrayTest {
    private static final String[] AWKWARD = {
        "plain",
        "",
        null,
        "NULL",
        "a,b",
        "{braces}",
        "quote \" and backslash \\ and \\\"",
        "  spaces kept  ",
        "line\nbreak\ttab",
        "héllo ☃ 😀",
        "x".repeat(100_000),
    };

    @Test
    void everyElement_arrivesAsSent_inBinary() throws Exception {
        assertThat(roundTrip("", AWKWARD)).containsExactly(AWKWARD);
    }

    @Test
    void everyElement_arrivesAsSent_whenTheConnectionSendsText() throws Exception {
        try (Connection connection = DriverManager.getConnection(withOptions("binaryTransfer=false"))) {
            assertThat(connection.unwrap(BaseConnection.class).binaryTransferSend(Oid.TEXT_ARRAY))
                    .as("the driver would send text[] in binary")
                    .isFalse();
        }
        assertThat(roundTrip("binaryTransfer=false", AWKWARD)).containsExactly(AWKWARD);
    }

    @Test
    void everyElement_arrivesAsSent_whenTheDriverWritesParametersIntoTheSql() throws Exception {
        assertThat(roundTrip("preferQueryMode=simple", AWKWARD)).containsExactly(AWKWARD);
    }

    @Test
    void anEmptyArray_isEmpty_andAnArrayOfNullsKeepsItsLength() throws Exception {
        for (String options : List.of("", "binaryTransfer=false", "preferQueryMode=simple")) {
            assertThat(roundTrip(options)).isEmpty();
            assertThat(roundTrip(options, null, null)).containsExactly(null, null);
        }
    }

    /** Its length, and its nulls as nulls (PostgreSQL reads them from each element's length of -1). */
    @Test
    void itsLengthAndItsNulls_areWhatPostgresqlReads() throws Exception {
        try (Connection connection = DriverManager.getConnection(TestDatabase.baseUrl())) {
            Tx tx = new Tx(connection);
            List<String> facts = tx.list(
                    "select array_length(?::text[], 1) || ' ' || (array_position(?::text[], null) is not null)",
                    row -> row.getString(1),
                    AWKWARD,
                    AWKWARD);
            assertThat(facts).containsExactly(AWKWARD.length + " true");
        }
    }

    private static List<String> roundTrip(String options, String... texts) throws Exception {
        try (Connection connection = DriverManager.getConnection(withOptions(options))) {
            Tx tx = new Tx(connection);
            List<String> back = tx.list(
                    "select t from unnest(?::text[]) with ordinality as a(t, n) order by n",
                    row -> row.getString(1),
                    (Object) texts);
            assertThat(back).as("elements of %s", Arrays.toString(texts)).hasSize(texts.length);
            return back;
        }
    }

    private static String withOptions(String options) {
        String url = TestDatabase.baseUrl();
        return options.isEmpty() ? url : url + (url.contains("?") ? "&" : "?") + options;
    }
}
