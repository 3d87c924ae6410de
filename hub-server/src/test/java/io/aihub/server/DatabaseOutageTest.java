package io.aihub.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.aihub.protocol.ApiError;
import io.aihub.server.HubClient.Account;
import io.aihub.store.jdbc.Database;
import io.aihub.store.jdbc.DatabaseConfig;
import java.net.URI;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The database goes away under a running hub and comes back: REST answers 503 meanwhile, sockets stay
 * up, and events committed meanwhile (through another node) are delivered afterwards, once each. A
 * connection that stops answering without closing fails its statement instead of hanging.
 */
class DatabaseOutageTest extends HubTestBase {

    @Test
    void whileTheDatabaseIsUnreachable_restAnswers503_socketsStayUp_andDeliveryResumesWithoutLossOrDuplicates()
            throws Exception {
        URI direct = URI.create(databaseUrl.substring("jdbc:".length()));
        try (TcpProxy proxy = new TcpProxy(direct.getPort());
                Hub cutOff = Hub.start(
                        HubTestBase.testConfig(
                                new DatabaseConfig(
                                        databaseUrl.replace(
                                                direct.getHost() + ":" + direct.getPort(), "127.0.0.1:" + proxy.port()),
                                        4),
                                Optional.of(ADMIN_TOKEN)),
                        InstantSource.system())) {
            HubClient viaCutOff = new HubClient("http://127.0.0.1:" + cutOff.port(), ADMIN_TOKEN);
            Account builder = client.account("builder");
            String did = client.agent(builder);
            try (RawSocket worker = RawSocket.worker(cutOff.port(), builder.apiKey(), did)) {
                whileTheDatabaseIsCut(proxy, viaCutOff, builder, did, worker);
            }
        }
    }

    private static void whileTheDatabaseIsCut(
            TcpProxy proxy, HubClient viaCutOff, Account builder, String did, RawSocket worker) throws Exception {
        proxy.cut();
        HubClient.Reply refused =
                viaCutOff.post("/api/v1/agents/" + did + "/tasks", builder.apiKey(), Map.of("query", "x"));
        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.message()).contains("database");
        assertThat(viaCutOff.get("/health", null).status()).isEqualTo(503);
        List<String> committedMeanwhile = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            committedMeanwhile.add(client.task(builder.apiKey(), did, "meanwhile " + i)
                    .at("/steps/0/step_id")
                    .asText());
        }

        proxy.restore();

        List<String> delivered = new ArrayList<>();
        for (int i = 0; i < committedMeanwhile.size(); i++) {
            delivered.add(worker.await("step-updated", java.time.Duration.ofSeconds(30), new ArrayList<>())
                    .payload()
                    .get("step_id")
                    .asText());
        }
        assertThat(delivered).containsExactlyElementsOf(committedMeanwhile);
        String after = viaCutOff
                .task(builder.apiKey(), did, "after")
                .at("/steps/0/step_id")
                .asText();
        List<String> between = new ArrayList<>();
        assertThat(worker.await("step-updated", java.time.Duration.ofSeconds(10), between)
                        .payload()
                        .get("step_id")
                        .asText())
                .isEqualTo(after);
        assertThat(between).as("nothing delivered twice").noneMatch(frame -> frame.contains("step-updated"));
    }

    @Test
    void whenTheListenConnectionCannotReconnect_healthSays503_restGoesOn_andDeliveryResumesWithNothingSkipped()
            throws Exception {
        URI direct = URI.create(databaseUrl.substring("jdbc:".length()));
        try (TcpProxy proxy = new TcpProxy(direct.getPort())) {
            HubConfig config = HubTestBase.testConfig(
                            new DatabaseConfig(
                                    databaseUrl.replace(
                                                    direct.getHost() + ":" + direct.getPort(),
                                                    "127.0.0.1:" + proxy.port())
                                            + "&loginTimeout=3",
                                    4),
                            Optional.of(ADMIN_TOKEN))
                    .withDeliveryStall(Duration.ofSeconds(2));
            try (Hub stalled = Hub.start(config, InstantSource.system())) {
                whileDeliveryStalls(proxy, stalled);
            }
        }
    }

    private static void whileDeliveryStalls(TcpProxy proxy, Hub stalled) throws Exception {
        HubClient viaStalled = new HubClient("http://127.0.0.1:" + stalled.port(), ADMIN_TOKEN);
        Account builder = client.account("builder");
        String did = client.agent(builder);
        try (RawSocket worker = RawSocket.worker(stalled.port(), builder.apiKey(), did)) {
            whileDeliveryStalls(proxy, viaStalled, builder, did, worker);
        }
    }

    private static void whileDeliveryStalls(
            TcpProxy proxy, HubClient viaStalled, Account builder, String did, RawSocket worker) throws Exception {

        // The database's network goes silent for new connections only, and the node's LISTEN session ends:
        // its next connection hangs in the login handshake.
        proxy.blackHoleNewConnections();
        assertThat(count(
                        "select count(pg_terminate_backend(pid)) from pg_stat_activity"
                                + " where application_name = 'aihub-listen' and client_port = any(?)",
                        (Object) proxy.upstreamPorts().toArray(Integer[]::new)))
                .isEqualTo(1);
        String created = viaStalled
                .task(builder.apiKey(), did, "while delivery stalls")
                .at("/steps/0/step_id")
                .asText();
        HubClient.Reply health = awaitHealth(viaStalled, 503, Duration.ofSeconds(20));
        assertThat(health.message()).contains("event delivery");

        proxy.restore();

        assertThat(worker.await("step-updated", Duration.ofSeconds(30), new ArrayList<>())
                        .payload()
                        .get("step_id")
                        .asText())
                .as("the event committed while delivery stalled")
                .isEqualTo(created);
        assertThat(awaitHealth(viaStalled, 200, Duration.ofSeconds(20)).status())
                .isEqualTo(200);
    }

    /** The health answer once it has {@code status}, asked every 200 ms, or fails after the timeout. */
    private static HubClient.Reply awaitHealth(HubClient hub, int status, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        HubClient.Reply reply = hub.get("/health", null);
        while (reply.status() != status && System.nanoTime() < deadline) {
            Thread.sleep(200); // polling the operator's own endpoint, as a load balancer would
            reply = hub.get("/health", null);
        }
        assertThat(reply.status()).as("/health: %s", reply.body()).isEqualTo(status);
        return reply;
    }

    @Test
    void aConnectionThatStopsAnswering_failsItsStatementWith503AfterTheSocketTimeout_andThePoolRecovers()
            throws Exception {
        URI direct = URI.create(databaseUrl.substring("jdbc:".length()));
        try (TcpProxy proxy = new TcpProxy(direct.getPort());
                Database database = Database.open(new DatabaseConfig(
                        databaseUrl.replace(direct.getHost() + ":" + direct.getPort(), "127.0.0.1:" + proxy.port())
                                + "&socketTimeout=1",
                        2))) {
            long started = System.nanoTime();
            ApiError refused = catchThrowableOfType(
                    ApiError.class,
                    () -> database.transaction(tx -> {
                        tx.one("select 1", row -> row.getInt(1));
                        proxy.freeze(); // half-open: the next statement goes out and no answer comes back
                        return tx.one("select 2", row -> row.getInt(1));
                    }));

            assertThat(refused.kind()).isEqualTo(ApiError.Kind.UNAVAILABLE);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
            proxy.restore();
            int answered = database.lookup(
                    tx -> tx.one("select 3", row -> row.getInt(1)).orElseThrow());
            assertThat(answered).isEqualTo(3);
        }
    }
}
