package io.aihub.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.aihub.server.HubClient.Account;
import io.aihub.server.HubClient.Reply;
import io.aihub.server.RawSocket.Event;
import io.aihub.store.jdbc.TestDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The hub's limits, met one at a time by a client that breaks them, on a hub whose limits are set low
 * (through the same environment variables an operator sets) so that each is reached in moments.
 */
class LimitsTest {
    private static final String ADMIN = "limits-admin-token-0123456789";
    private static final Duration SHORT = Duration.ofSeconds(5);
    private static final int MAX_BODY = 64 * 1024;

    private static String databaseUrl;
    private static Hub hub;
    private static HubClient client;

    @BeforeAll
    static void startHub() throws Exception {
        databaseUrl = TestDatabase.freshSchemaUrl();
        hub = Hub.start(HubConfig.fromEnvironment(limits(Map.of())), InstantSource.system());
        client = clientOf(hub);
    }

    /** The class's settings, with {@code more} on top. */
    private static Map<String, String> limits(Map<String, String> more) {
        Map<String, String> env = new java.util.HashMap<>(Map.of(
                "HUB_PORT", "0",
                "HUB_DATABASE_URL", databaseUrl,
                "HUB_DB_POOL_SIZE", "4",
                "HUB_ADMIN_TOKEN", ADMIN,
                "HUB_MAX_BODY_BYTES", Integer.toString(MAX_BODY),
                "HUB_MAX_CONNECTIONS", "40",
                "HUB_IDLE_TIMEOUT_SECONDS", "30", // long: what closes a connection here is the rule under test
                "HUB_BODY_TIMEOUT_SECONDS", "2"));
        env.putAll(Map.of(
                "HUB_MAX_STEPS_PER_TASK", "3",
                "HUB_MAX_LOGS_PER_TASK", "3",
                "HUB_MAX_LOG_BYTES", "100",
                "HUB_METRICS_PORT", "0"));
        env.putAll(more);
        return env;
    }

    /** Another hub on the same database, with the class's settings and {@code more}; the caller closes it. */
    private static Hub hubWith(Map<String, String> more) throws Exception {
        return Hub.start(HubConfig.fromEnvironment(limits(more)), InstantSource.system());
    }

    private static HubClient clientOf(Hub hub) {
        return new HubClient("http://127.0.0.1:" + hub.port(), ADMIN);
    }

    @AfterAll
    static void stopHub() throws Exception {
        hub.close();
        TestDatabase.dropSchema(databaseUrl);
    }

    @Test
    void aConnectionThatSendsNothing_isClosedAfterTheIdleTimeout() throws Exception {
        try (Hub impatient = hubWith(Map.of("HUB_IDLE_TIMEOUT_SECONDS", "1"));
                RawTcp idle = RawTcp.open(impatient.port())) {
            assertThat(idle.readUntilClosed(SHORT))
                    .as("closed by the hub, having sent nothing")
                    .isEmpty();
        }
    }

    @Test
    void aRequestHeadTrickledByteByByte_isClosedAfterTheIdleTimeout() throws Exception {
        try (Hub impatient = hubWith(Map.of("HUB_IDLE_TIMEOUT_SECONDS", "1"));
                RawTcp slow = RawTcp.open(impatient.port())) {
            slow.write("GET /health HTTP/1.1\r\n");
            long deadline = System.nanoTime() + SHORT.toNanos();
            boolean closed = false;
            while (!closed && System.nanoTime() < deadline) {
                slow.write("X"); // a header that never ends
                closed = slow.readUntilClosed(Duration.ofMillis(300)) != null;
            }
            assertThat(closed).as("a slowloris client is cut off").isTrue();
        } catch (java.net.SocketException cutOff) {
            // the hub closed it while the client was still writing: what this test wants
        }
    }

    @Test
    void aBodyThatDoesNotArrive_gets408_andItsConnectionIsClosed() throws Exception {
        Account builder = client.account("slow-body");
        try (RawTcp slow = RawTcp.open(hub.port())) {
            slow.write("POST /api/v1/agents HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + builder.apiKey()
                    + "\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"name\":");

            String answer = slow.readUntilClosed(SHORT);

            assertThat(answer)
                    .as("answered, then closed")
                    .startsWith("HTTP/1.1 408")
                    .contains("\"statusCode\":408", "HUB_BODY_TIMEOUT_SECONDS");
        }
    }

    @Test
    void anAnonymousBody_isRefusedFromItsHeaders_beforeItIsRead() throws Exception {
        try (RawTcp anonymous = RawTcp.open(hub.port())) {
            anonymous.write("POST /api/v1/agents HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 60000\r\n\r\n");

            String answer = anonymous.readResponse(Duration.ofSeconds(2)); // at once: not after a body that never comes

            assertThat(answer).startsWith("HTTP/1.1 401").contains("Connection: close", "Authorization");
        }
    }

    @Test
    void pastTheConnectionLimit_connectionsThatSentNothingMakeRoom_forOnesThatSendARequest() throws Exception {
        List<RawTcp> idle = new ArrayList<>();
        try {
            for (int i = 0; i < 60; i++) {
                idle.add(RawTcp.open(hub.port()));
            }
            for (int i = 0; i < 5; i++) {
                assertThat(client.get("/health", null).status()).isEqualTo(200);
            }
            // the hub closes the evicted connections as it admits the new ones; their FINs arrive meanwhile
            long deadline = System.nanoTime() + java.time.Duration.ofSeconds(5).toNanos();
            long closed = idle.stream().filter(RawTcp::isClosedByPeer).count();
            while (closed < 20 && System.nanoTime() < deadline) {
                Thread.sleep(50);
                closed = idle.stream().filter(RawTcp::isClosedByPeer).count();
            }
            assertThat(closed)
                    .as("idle connections closed to stay within HUB_MAX_CONNECTIONS=40")
                    .isGreaterThanOrEqualTo(20);
            assertThat(scraped("hub_connections_closed_total{reason=\"evicted\"}"))
                    .as("counted as evicted on the metrics port")
                    .isGreaterThanOrEqualTo(20);
            assertThat(scraped("hub_connections_closed_total{reason=\"refused\"}"))
                    .as("none refused: every connection but the idle ones sent its request at once")
                    .isZero();
        } finally {
            for (RawTcp connection : idle) {
                connection.close();
            }
        }
    }

    @Test
    void socketsCountAgainstTheConnectionLimit_untilTheirChannelsClose() throws Exception {
        double before = scraped("hub_connections_open");
        List<RawSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < 10; i++) {
                sockets.add(RawSocket.open(hub.port()));
            }
            assertThat(awaitScraped("hub_connections_open", before + 10))
                    .as("ten sockets handed over to Socket.IO, still counted")
                    .isEqualTo(before + 10);
        } finally {
            sockets.forEach(RawSocket::close);
        }
        assertThat(awaitScraped("hub_connections_open", before))
                .as("each uncounted once its channel closed")
                .isEqualTo(before);
    }

    /** The sample once it equals {@code expected}, or as it is after {@link #SHORT}. */
    private static double awaitScraped(String sample, double expected) throws Exception {
        long deadline = System.nanoTime() + SHORT.toNanos();
        double value = scraped(sample);
        while (value != expected && System.nanoTime() < deadline) {
            Thread.sleep(50);
            value = scraped(sample);
        }
        return value;
    }

    /** One sample of the hub's metrics, as scraped now. */
    private static double scraped(String sample) throws Exception {
        String text = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + hub.metricsPort() + "/metrics"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
        return text.lines()
                .filter(line -> line.startsWith(sample + " "))
                .mapToDouble(line -> Double.parseDouble(line.substring(sample.length() + 1)))
                .findFirst()
                .orElseThrow(() -> new AssertionError(sample + " is not on the metrics port"));
    }

    @Test
    void oneKeysLargeBodies_waitOnItsOwnShareOfTheBodyBudget_andOtherKeysGoOn() throws Exception {
        Account flooder = client.account("flooder");
        Account other = client.account("other");
        String did = client.agent(other);
        List<RawTcp> senders = new ArrayList<>();
        try {
            for (int i = 0; i < 5; i++) { // five bodies of nearly the largest size: one more than this key's share
                RawTcp connection = RawTcp.open(hub.port());
                senders.add(connection);
                connection.write(largeBodyHead(flooder, did));
            }
            assertThat(client.post("/api/v1/agents/" + did + "/tasks", other.apiKey(), Map.of("query", "q"))
                            .status())
                    .as("another key's request, while the flooder's bodies are held")
                    .isEqualTo(201);

            List<String> answers = new ArrayList<>();
            for (RawTcp connection : senders) {
                answers.add(connection.readResponse(SHORT));
            }
            assertThat(answers)
                    .filteredOn(answer -> answer.startsWith("HTTP/1.1 503"))
                    .singleElement()
                    .asString()
                    .contains("Retry-After: 1", "this key has");
            assertThat(answers)
                    .filteredOn(answer -> answer.startsWith("HTTP/1.1 408"))
                    .hasSize(4);
        } finally {
            for (RawTcp connection : senders) {
                connection.close();
            }
        }
    }

    private static String largeBodyHead(Account sender, String did) {
        return "POST /api/v1/agents/" + did + "/tasks HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                + sender.apiKey() + "\r\nContent-Type: application/json\r\nContent-Length: " + (MAX_BODY - 1000)
                + "\r\n\r\n";
    }

    @Test
    void aRequestLineOfAnotherHttpVersion_getsAJsonError() throws Exception {
        try (RawTcp old = RawTcp.open(hub.port())) {
            old.write("GET /health HTTP/0.9\r\n\r\n");

            String answer = old.readUntilClosed(SHORT);

            assertThat(answer).contains(" 505 ", "\"statusCode\":505", "HTTP/1.1");
        }
    }

    @Test
    void aTasksSteps_logLines_andLogBytes_areBounded_with4xxThatNameTheSetting() throws Exception {
        Account builder = client.account("builder");
        String did = client.agent(builder);
        String taskId = client.task(builder.apiKey(), did, "bounded")
                .get("task")
                .get("task_id")
                .asText();
        String steps = "/api/v1/agents/" + did + "/tasks/" + taskId + "/steps";

        Reply tooMany = client.post(
                steps,
                builder.apiKey(),
                Map.of("steps", List.of(Map.of("name", "a"), Map.of("name", "b"), Map.of("name", "c"))));

        assertThat(tooMany.status()).isEqualTo(409);
        assertThat(tooMany.body().get("message").asText()).contains("HUB_MAX_STEPS_PER_TASK");
        assertThat(client.post(
                                steps,
                                builder.apiKey(),
                                Map.of("steps", List.of(Map.of("name", "a"), Map.of("name", "b"))))
                        .status())
                .isEqualTo(201);

        try (RawSocket socket = RawSocket.open(hub.port())) {
            socket.connect("Bearer " + builder.apiKey());
            socket.await("_connected");
            socket.emit("_task-log", Map.of("task_id", taskId, "message", "x".repeat(101)));
            assertThat(socket.await("error").payload().get("message").asText()).contains("HUB_MAX_LOG_BYTES");
            for (int i = 0; i < 3; i++) {
                socket.emit("_task-log", Map.of("task_id", taskId, "message", "line " + i));
            }
            socket.emit("_task-log", Map.of("task_id", taskId, "message", "one too many"));
            assertThat(socket.await("error").payload().get("message").asText()).contains("HUB_MAX_LOGS_PER_TASK");
        }
        assertThat(client.get("/api/v1/agents/" + did + "/tasks/" + taskId, builder.apiKey())
                        .body()
                        .get("logs"))
                .hasSize(3);
    }

    @Test
    void overTheRateLimit_aKeyGets429WithRetryAfter_whileAnotherKeyIsServed() throws Exception {
        try (Hub limited = hubWith(Map.of("HUB_RATE_LIMIT", "2", "HUB_RATE_BURST", "3"))) {
            HubClient limitedClient = clientOf(limited);
            Account busy = limitedClient.account("busy");
            Account calm = limitedClient.account("calm");
            List<Reply> replies = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                replies.add(limitedClient.get("/api/v1/agents", busy.apiKey()));
            }

            assertThat(replies).extracting(Reply::status).contains(200, 429);
            Reply refused = replies.stream()
                    .filter(reply -> reply.status() == 429)
                    .findFirst()
                    .orElseThrow();
            assertThat(refused.body().get("message").asText()).contains("HUB_RATE_LIMIT");
            assertThat(limitedClient.get("/api/v1/agents", calm.apiKey()).status())
                    .isEqualTo(200);
        }
    }

    @Test
    void aSocketsEventsCountAgainstTheRateLimitToo() throws Exception {
        try (Hub limited = hubWith(Map.of("HUB_RATE_LIMIT", "1", "HUB_RATE_BURST", "2"))) {
            HubClient limitedClient = clientOf(limited);
            Account chatty = limitedClient.account("chatty");
            try (RawSocket socket = RawSocket.open(limited.port())) {
                socket.connect("Bearer " + chatty.apiKey());
                socket.await("_connected");
                for (int i = 0; i < 5; i++) {
                    socket.emit("_join-rooms", Map.of("joinAccountRoom", true));
                }
                Event refused = socket.await("error");
                assertThat(refused.payload().get("message").asText()).contains("HUB_RATE_LIMIT");
            }
        }
    }

    @Test
    void theSocketsOfOneAccount_areBoundedPerNode_andAClosedSocketFreesItsPlace() throws Exception {
        try (Hub limited = hubWith(Map.of("HUB_SOCKETS_PER_ACCOUNT", "2"))) {
            HubClient limitedClient = clientOf(limited);
            Account hoarder = limitedClient.account("hoarder");
            Account other = limitedClient.account("other");
            try (RawSocket first = RawSocket.open(limited.port());
                    RawSocket second = RawSocket.open(limited.port());
                    RawSocket third = RawSocket.open(limited.port());
                    RawSocket others = RawSocket.open(limited.port())) {
                for (RawSocket socket : List.of(first, second)) {
                    socket.connect("Bearer " + hoarder.apiKey());
                    socket.await("_connected");
                }
                third.connect("Bearer " + hoarder.apiKey());
                List<String> frames = third.framesUntilClosed(SHORT);
                assertThat(frames).anyMatch(frame -> frame.contains("HUB_SOCKETS_PER_ACCOUNT"));

                others.connect("Bearer " + other.apiKey());
                JsonNode connected = others.await("_connected").payload();
                assertThat(connected.get("account").asText()).isEqualTo(other.address());

                first.close();
                assertThat(limited.awaitOpenSockets(2, SHORT))
                        .as("the hub saw the first socket go")
                        .isEqualTo(2);
                try (RawSocket again = RawSocket.open(limited.port())) {
                    again.connect("Bearer " + hoarder.apiKey());
                    assertThat(again.await("_connected")
                                    .payload()
                                    .get("account")
                                    .asText())
                            .isEqualTo(hoarder.address());
                }
            }
        }
    }

    @Test
    void theRoomsOfOneSocket_areBounded_andWhatIsRefusedIsNamedWithTheSettingToRaise() throws Exception {
        try (Hub limited = hubWith(Map.of("HUB_ROOMS_PER_SOCKET", "2"))) {
            HubClient limitedClient = clientOf(limited);
            Account builder = limitedClient.account("builder");
            String did = limitedClient.agent(builder);
            Account watcher = limitedClient.account("watcher");
            String token = limitedClient.accessToken(watcher, did);
            List<String> taskIds = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                taskIds.add(limitedClient
                        .task(token, did, "q" + i)
                        .at("/task/task_id")
                        .asText());
            }
            try (RawSocket socket = RawSocket.open(limited.port())) {
                socket.connect("Bearer " + watcher.apiKey());
                socket.await("_connected");
                socket.emit("_join-tasks", Map.of("tasks", taskIds, "history", false));
                String refused = socket.await("error").payload().get("message").asText();
                assertThat(refused)
                        .contains(taskIds.get(2), "HUB_ROOMS_PER_SOCKET")
                        .doesNotContain(taskIds.get(0));
                JsonNode joined = socket.await("_join-tasks_").payload().get("tasks");
                assertThat(joined).hasSize(2);
                assertThat(joined.get(0).asText()).isEqualTo(taskIds.get(0));

                socket.emit("_join-tasks", Map.of("tasks", List.of(taskIds.get(1)), "history", false));
                assertThat(socket.await("_join-tasks_")
                                .payload()
                                .get("tasks")
                                .get(0)
                                .asText())
                        .as("a room the socket is in already can be joined again")
                        .isEqualTo(taskIds.get(1));
            }
            try (RawSocket worker = RawSocket.open(limited.port())) {
                worker.connect("Bearer " + builder.apiKey());
                worker.await("_connected");
                worker.emit("_join-tasks", Map.of("tasks", taskIds.subList(0, 2), "history", false));
                worker.await("_join-tasks_");
                worker.emit("_join-rooms", Map.of("joinAccountRoom", true, "joinAgentRooms", List.of(did)));
                List<String> messages = new ArrayList<>();
                messages.add(worker.await("error").payload().get("message").asText());
                messages.add(worker.await("error").payload().get("message").asText());
                assertThat(messages)
                        .anyMatch(m -> m.contains("the account room") && m.contains("HUB_ROOMS_PER_SOCKET"));
                assertThat(messages).anyMatch(m -> m.contains("the rooms of agents [" + did + "]"));
                JsonNode answer = worker.await("_join-rooms_").payload();
                assertThat(answer.get("account").asBoolean()).isFalse();
                assertThat(answer.get("agents")).isEmpty();
            }
        }
    }
}
