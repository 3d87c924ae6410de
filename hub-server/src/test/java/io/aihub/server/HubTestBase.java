package io.aihub.server;

import io.aihub.server.http.HttpLimits;
import io.aihub.store.jdbc.DatabaseConfig;
import io.aihub.store.jdbc.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.InstantSource;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Starts one hub per test class on port 0, on a fresh schema of the real PostgreSQL. */
public abstract class HubTestBase {
    protected static final String ADMIN_TOKEN = "test-admin-token-0123456789";

    protected static Hub hub;
    protected static HubClient client;
    protected static String databaseUrl;

    @BeforeAll
    static void startHub() throws Exception {
        databaseUrl = TestDatabase.freshSchemaUrl();
        hub = Hub.start(
                HubTestBase.testConfig(new DatabaseConfig(databaseUrl, 8), Optional.of(ADMIN_TOKEN)),
                InstantSource.system());
        client = new HubClient("http://127.0.0.1:" + hub.port(), ADMIN_TOKEN);
    }

    /** A hub on port 0 with the defaults but small bodies (64 KiB), on the given database. */
    static HubConfig testConfig(DatabaseConfig database, Optional<String> adminToken) {
        return HubConfig.of(0, database, "http://localhost:3001", adminToken)
                .withHttp(HttpLimits.defaults().withMaxBodyBytes(64 * 1024));
    }

    @AfterAll
    static void stopHub() throws Exception {
        hub.close();
        TestDatabase.dropSchema(databaseUrl);
    }

    /** Runs a statement on the hub's database directly: rows written behind the hub's back, for a test's setup. */
    protected static void execute(String sql, Object... params) {
        try (Connection connection = DriverManager.getConnection(databaseUrl);
                var statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                statement.setObject(i + 1, params[i]);
            }
            statement.execute();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A single number from the hub's database, to check what a request did or did not change. */
    protected static long count(String sql, Object... params) {
        try (Connection connection = DriverManager.getConnection(databaseUrl);
                var statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                statement.setObject(i + 1, params[i]);
            }
            try (var rows = statement.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
