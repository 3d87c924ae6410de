package io.aihub.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.aihub.server.HubClient.Account;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A hub left idle for longer than its sessions' {@code idle_in_transaction_session_timeout} (30 s) keeps
 * its connections and logs no warning. Before the pool's connections set that timeout in autocommit, each
 * new one sat idle in a transaction until the server ended it 30 s later, and the pool logged "Failed to
 * validate connection" when it next lent it.
 */
class IdleHubTest extends HubTestBase {
    private static final String POOLED_SESSIONS = """
            select pid from pg_stat_activity
            where application_name = 'aihub' and datname = current_database() and pid <> pg_backend_pid()
            """;

    @Test
    void anIdleHub_keepsItsConnections_andLogsNoWarning() throws Exception {
        Account account = client.account("idle");
        assertThat(client.get("/api/v1/agents", account.apiKey()).status()).isEqualTo(200);
        ListAppender<ILoggingEvent> warnings = new ListAppender<>();
        Logger root = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(Logger.ROOT_LOGGER_NAME);
        warnings.start();
        root.addAppender(warnings);
        try {
            Set<Integer> before = pooledSessions();
            assertThat(before).isNotEmpty();

            Thread.sleep(35_000); // longer than the sessions' idle-in-transaction timeout, doing nothing

            for (int i = 0; i < 8; i++) { // the pool lends again, validating each connection that sat idle
                assertThat(client.get("/api/v1/agents", account.apiKey()).status())
                        .isEqualTo(200);
            }
            assertThat(pooledSessions())
                    .as("the sessions open before the idle time")
                    .containsAll(before);
            assertThat(warnings.list)
                    .filteredOn(event -> event.getLevel().isGreaterOrEqual(Level.WARN))
                    .isEmpty();
        } finally {
            root.detachAppender(warnings);
        }
    }

    private static Set<Integer> pooledSessions() throws SQLException {
        Set<Integer> pids = new HashSet<>();
        try (Connection connection = DriverManager.getConnection(databaseUrl);
                var statement = connection.prepareStatement(POOLED_SESSIONS);
                var rows = statement.executeQuery()) {
            while (rows.next()) {
                pids.add(rows.getInt(1));
            }
        }
        return pids;
    }
}
