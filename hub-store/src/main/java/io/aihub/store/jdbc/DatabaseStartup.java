package io.aihub.store.jdbc;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reaches the hub's database at start-up. Connects to it directly (a role that may reach only its own
 * database, as on managed PostgreSQL, is enough); waits, up to the configured start-up wait, for a
 * server that does not answer yet (a container starting next to the hub), logging each try with the
 * server's address and never the password; and goes through the {@code postgres} maintenance database
 * only to create the database when it does not exist.
 */
public final class DatabaseStartup {
    private static final Logger LOG = LoggerFactory.getLogger(DatabaseStartup.class);
    private static final Duration BETWEEN_TRIES = Duration.ofSeconds(1);
    private static final String NO_SUCH_DATABASE = "3D000";

    private DatabaseStartup() {}

    /** Returns once the database answers, created if it was missing; throws when it cannot be had. */
    public static void reachOrCreate(DatabaseConfig config) {
        Properties properties = Database.connectionProperties("aihub-startup");
        Instant deadline = Instant.now().plus(config.startupWait());
        for (int attempt = 1; ; attempt++) {
            try (Connection connection = DriverManager.getConnection(config.jdbcUrl(), properties)) {
                if (attempt > 1) {
                    LOG.info("PostgreSQL at {} answers", config.serverAddress());
                }
                return;
            } catch (SQLException e) {
                if (NO_SUCH_DATABASE.equals(e.getSQLState())) {
                    create(config, properties);
                    return;
                }
                Duration left = Duration.between(Instant.now(), deadline);
                if (!notUpYet(e) || left.isNegative()) {
                    throw new StoreException(
                            "cannot reach database '" + config.databaseName() + "' at " + config.serverAddress() + " ("
                                    + e.getMessage() + ")" + (notUpYet(e) ? " within " + config.startupWait() : ""),
                            e);
                }
                LOG.info(
                        "waiting for PostgreSQL at {} (try {}, {} s left): {}",
                        config.serverAddress(),
                        attempt,
                        left.toSeconds(),
                        e.getMessage());
                pause();
            }
        }
    }

    /** Whether the server may answer later: refused, unreachable, or still starting up. */
    private static boolean notUpYet(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        return state.startsWith("08") || state.equals("57P03");
    }

    private static void create(DatabaseConfig config, Properties properties) {
        String name = config.databaseName();
        try (Connection connection = DriverManager.getConnection(config.maintenanceUrl(), properties);
                var create = connection.createStatement()) {
            // The name was checked against [A-Za-z_][A-Za-z0-9_]* by DatabaseConfig: safe to quote.
            create.execute("create database \"" + name + "\"");
            LOG.info("created database {} at {}", name, config.serverAddress());
        } catch (SQLException e) {
            if ("42P04".equals(e.getSQLState())) {
                return; // another hub node created it first
            }
            throw new StoreException(
                    "database '" + name + "' does not exist at " + config.serverAddress()
                            + ", and it cannot be created through the 'postgres' maintenance database ("
                            + e.getMessage()
                            + "): create it, or let the hub's role create databases",
                    e);
        }
    }

    private static void pause() {
        try {
            Thread.sleep(BETWEEN_TRIES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while waiting for the database", e);
        }
    }
}
