package io.aihub.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.aihub.server.HubClient.Reply;
import io.aihub.server.http.HttpLimits;
import io.aihub.store.jdbc.DatabaseConfig;
import io.aihub.store.jdbc.TestDatabase;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A hub that starts before its database: alive at once, ready once it has its database; a taken port named. */
class StartupTest {
    private static final String ADMIN_TOKEN = "startup-test-admin-token-0123";
    private static final String DATABASE_PASSWORD = "db-password-that-must-never-be-logged";
    private static final String SIGNING_KEY = "signing-key-that-must-never-be-logged-0123456789";

    @Test
    void aHubWhoseDatabaseIsNotUpYet_listensAtOnce_aliveButNotReady_andIsReadyOnceTheDatabaseAnswers()
            throws Exception {
        String direct = TestDatabase.freshSchemaUrl();
        String address = new DatabaseConfig(direct, 1).serverAddress();
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        try (TcpProxy database = new TcpProxy(Integer.parseInt(address.substring(address.indexOf(':') + 1)))) {
            database.cut(); // the database is not up yet
            // With a password (trust authentication ignores it) and a signing key: neither may be logged.
            String throughProxy =
                    direct.replace(address, "127.0.0.1:" + database.port()) + "&password=" + DATABASE_PASSWORD;
            TestSecrets.remember(DATABASE_PASSWORD);
            TestSecrets.remember(SIGNING_KEY);
            HubConfig defaults = HubConfig.of(
                    port,
                    new DatabaseConfig(throughProxy, 2, Duration.ofSeconds(60)),
                    "http://localhost:3001",
                    Optional.of(ADMIN_TOKEN));
            HubConfig config = new HubConfig(
                    defaults.port(),
                    defaults.database(),
                    defaults.publicUrl(),
                    defaults.adminToken(),
                    Optional.of(SIGNING_KEY),
                    defaults.extraPorts(),
                    HttpLimits.defaults(),
                    defaults.sockets(),
                    defaults.tasks(),
                    defaults.rateLimit(),
                    defaults.deliveryStall(),
                    defaults.leases(),
                    defaults.keepTasks(),
                    defaults.shutdown(),
                    defaults.metricsPort());
            CompletableFuture<Hub> starting = CompletableFuture.supplyAsync(() -> startQuietly(config));
            HubClient client = new HubClient("http://127.0.0.1:" + port, ADMIN_TOKEN);

            Reply live = awaitAnswer(client, "/health/live");
            Reply ready = client.get("/health/ready", null);
            Reply api = client.get("/api/v1/agents", null);
            database.restore();
            try (Hub hub = starting.get(60, TimeUnit.SECONDS)) {
                assertThat(live.status()).isEqualTo(200);
                assertThat(ready.status()).isEqualTo(503);
                assertThat(ready.message())
                        .isEqualTo("starting: reaching and migrating the database at 127.0.0.1:" + database.port());
                assertThat(ready.headers().firstValue("Retry-After")).contains("1");
                assertThat(api.status()).isEqualTo(503);
                assertThat(client.get("/health/ready", null).status()).isEqualTo(200);
                assertThat(client.get("/health/live", null).status()).isEqualTo(200);
                assertThat(hub.port()).isEqualTo(port);
            }
        }
    }

    @Test
    void aPortAnotherProcessHolds_isNamedInTheFailure() throws Exception {
        try (ServerSocket taken = new ServerSocket(0)) {
            HubConfig config = HubConfig.of(
                    taken.getLocalPort(),
                    new DatabaseConfig(TestDatabase.freshSchemaUrl(), 1),
                    "http://localhost:3001",
                    Optional.of(ADMIN_TOKEN));

            IllegalStateException refused =
                    catchThrowableOfType(IllegalStateException.class, () -> Hub.start(config, InstantSource.system()));

            assertThat(refused.getMessage()).contains("port " + taken.getLocalPort(), "another process");
        }
    }

    private static Hub startQuietly(HubConfig config) {
        try {
            return Hub.start(config, InstantSource.system());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The first answer to {@code path}, polling while the port is not bound yet. */
    private static Reply awaitAnswer(HubClient client, String path) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            try {
                return client.get(path, null);
            } catch (RuntimeException notListeningYet) {
                if (System.nanoTime() > deadline) {
                    throw notListeningYet;
                }
                Thread.sleep(50);
            }
        }
    }
}
