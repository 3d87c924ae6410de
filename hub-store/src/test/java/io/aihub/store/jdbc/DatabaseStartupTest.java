package io.aihub.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.net.URI;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Start-up reaches its own database directly, waits for a late server, and creates only what is missing. */
class DatabaseStartupTest {
    private static final DatabaseConfig BASE = new DatabaseConfig(TestDatabase.baseUrl(), 1);

    @Test
    void anExistingDatabase_isReachedDirectly_neverThroughTheMaintenanceDatabase() throws Exception {
        try (StartupRelay relay = relay().open()) {
            DatabaseStartup.reachOrCreate(through(relay, BASE.databaseName(), Duration.ofSeconds(5)));

            assertThat(relay.databases()).containsExactly(BASE.databaseName());
        }
    }

    @Test
    void aMissingDatabase_isCreatedThroughTheMaintenanceDatabase_andThenReached() throws Exception {
        String name =
                "hub_startup_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (StartupRelay relay = relay().open()) {
            DatabaseStartup.reachOrCreate(through(relay, name, Duration.ofSeconds(5)));
            DatabaseStartup.reachOrCreate(through(relay, name, Duration.ofSeconds(5)));

            assertThat(relay.databases()).containsExactly(name, "postgres", name);
        } finally {
            TestDatabase.execute(TestDatabase.baseUrl(), "drop database if exists " + name);
        }
    }

    @Test
    void aServerThatAnswersOnlyAfterAFewSeconds_isWaitedFor() throws Exception {
        ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor();
        try (StartupRelay relay = relay()) {
            later.schedule(relay::open, 3, TimeUnit.SECONDS);
            long started = System.nanoTime();

            DatabaseStartup.reachOrCreate(through(relay, BASE.databaseName(), Duration.ofSeconds(30)));

            assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThan(Duration.ofMillis(2500));
            assertThat(relay.databases()).containsExactly(BASE.databaseName());
        } finally {
            later.shutdownNow();
        }
    }

    @Test
    void aServerThatNeverAnswers_failsAfterTheWait_namingItsAddressButNeverThePassword() throws Exception {
        try (StartupRelay relay = relay()) { // never opened: connections are refused
            DatabaseConfig config = new DatabaseConfig(
                    "jdbc:postgresql://127.0.0.1:" + relay.port() + "/hub?user=hub&password=s3cret-pw",
                    1,
                    Duration.ofSeconds(2));
            long started = System.nanoTime();

            StoreException failure =
                    catchThrowableOfType(StoreException.class, () -> DatabaseStartup.reachOrCreate(config));

            assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
            assertThat(failure.getMessage())
                    .contains("127.0.0.1:" + relay.port(), "'hub'")
                    .doesNotContain("s3cret");
        }
    }

    private static StartupRelay relay() throws Exception {
        String[] address = BASE.serverAddress().split(":");
        return new StartupRelay(address[0], Integer.parseInt(address[1]));
    }

    /** The base server's URL, through the relay, naming {@code database}, with the startup message readable. */
    private static DatabaseConfig through(StartupRelay relay, String database, Duration wait) {
        String query = URI.create(BASE.jdbcUrl().substring("jdbc:".length())).getRawQuery();
        return new DatabaseConfig(
                "jdbc:postgresql://127.0.0.1:" + relay.port() + "/" + database + "?"
                        + (query == null ? "" : query + "&") + "sslmode=disable&gssEncMode=disable",
                1,
                wait);
    }
}
