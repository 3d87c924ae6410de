package io.aihub.store.jdbc;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * The real PostgreSQL that tests run against, one fresh schema per test class (migrated by the
 * hub's own migrations when the hub or {@link Database#open} opens it).
 *
 * <p>Which server: {@code HUB_TEST_DATABASE_URL} if set; else a Testcontainers PostgreSQL when a
 * Docker engine is there; else the local server on 127.0.0.1:5432 (database {@code hub_test},
 * created if missing).
 */
public final class TestDatabase {
    public static final String ENVIRONMENT_VARIABLE = "HUB_TEST_DATABASE_URL";
    private static final String LOCAL_URL = "jdbc:postgresql://127.0.0.1:5432/hub_test?user=postgres";
    private static final long STALE_SCHEMA_SECONDS = 6 * 3600;

    private static String baseUrl;

    private TestDatabase() {}

    /** A JDBC URL whose {@code currentSchema} is a new, empty schema. */
    public static synchronized String freshSchemaUrl() {
        String base = baseUrl();
        String schema = "t_" + (System.currentTimeMillis() / 1000) + "_"
                + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL);
        execute(base, "create schema " + schema);
        return base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    /** Drops the schema a {@link #freshSchemaUrl()} URL names, with everything in it. */
    public static void dropSchema(String schemaUrl) {
        String schema = schemaUrl.substring(schemaUrl.indexOf("currentSchema=") + "currentSchema=".length());
        if (!schema.matches("t_[0-9]+_[0-9a-f]+")) {
            throw new IllegalArgumentException("not a test schema URL: " + schemaUrl);
        }
        execute(baseUrl(), "drop schema if exists " + schema + " cascade");
    }

    /** Opens (and migrates) a fresh schema. */
    public static Database openFresh() {
        return Database.open(new DatabaseConfig(freshSchemaUrl(), 8));
    }

    /** The URL of the database the test schemas live in. */
    public static synchronized String baseUrl() {
        if (baseUrl == null) {
            String configured = System.getenv(ENVIRONMENT_VARIABLE);
            if (configured != null && !configured.isBlank()) {
                baseUrl = configured;
            } else if (dockerIsLikely() && DockerClientFactory.instance().isDockerAvailable()) {
                PostgreSQLContainer container = new PostgreSQLContainer("postgres:16-alpine");
                container.start();
                baseUrl = container.getJdbcUrl() + "&user=" + container.getUsername() + "&password="
                        + container.getPassword();
            } else {
                baseUrl = LOCAL_URL;
            }
            DatabaseStartup.reachOrCreate(new DatabaseConfig(baseUrl, 1));
            dropStaleSchemas(baseUrl);
        }
        return baseUrl;
    }

    /** Asking Testcontainers costs ~1.5 s and logs an error block when there is no engine: look first. */
    private static boolean dockerIsLikely() {
        return System.getenv("DOCKER_HOST") != null || Files.exists(Path.of("/var/run/docker.sock"));
    }

    /** Schemas left by runs more than a few hours old; younger ones may belong to a run in progress. */
    private static void dropStaleSchemas(String url) {
        long cutoff = System.currentTimeMillis() / 1000 - STALE_SCHEMA_SECONDS;
        List<String> stale = new ArrayList<>();
        try (Connection connection = DriverManager.getConnection(url);
                var rows = connection
                        .createStatement()
                        .executeQuery("select nspname from pg_namespace where nspname ~ '^t_[0-9]+_[0-9a-f]+$'")) {
            while (rows.next()) {
                String name = rows.getString(1);
                if (Long.parseLong(name.split("_")[1]) < cutoff) {
                    stale.add(name);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot list test schemas at " + url, e);
        }
        stale.forEach(schema -> execute(url, "drop schema " + schema + " cascade"));
    }

    static void execute(String url, String sql) {
        try (Connection connection = DriverManager.getConnection(url)) {
            connection.createStatement().execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot run '" + sql + "' at " + url, e);
        }
    }
}
