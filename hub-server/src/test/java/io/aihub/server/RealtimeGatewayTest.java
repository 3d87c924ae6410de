package io.aihub.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.aihub.server.HubClient.Account;
import io.aihub.server.realtime.EndedTaskRooms;
import io.aihub.store.jdbc.DatabaseConfig;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Socket.IO gateway spoken to in raw frames: the handshake holes of netty-socketio are closed,
 * events reach the right sockets once, and a second hub on the same database delivers too.
 */
class RealtimeGatewayTest extends HubTestBase {
    private static final Duration SHORT = Duration.ofSeconds(3);
    private static final String UPGRADE = RawTcp.UPGRADE;

    @Test
    void aConnectWithoutCredential_isAcknowledgedByTheLibraryButCanDoNothing_andIsClosed() throws Exception {
        Account builder = client.account("builder");
        client.task(builder.apiKey(), client.agent(builder), "pending work");
        try (RawSocket socket = RawSocket.open(hub.port())) {
            socket.connect(null);
            socket.emit("_join-rooms", "{\"joinAccountRoom\":true}");
            socket.emit("_emit-steps", Map.of("status", "Pending", "dids", List.of()));

            List<String> frames = socket.framesUntilClosed(SHORT);

            assertThat(frames)
                    .noneMatch(frame -> frame.contains("_connected")
                            || frame.contains("_join-rooms_")
                            || frame.contains("step-updated"));
            assertThat(frames).anyMatch(frame -> frame.contains("no credential"));
        }
    }

    @Test
    void aRefusedCredential_getsConnectError_andItsLaterEventsAreNotHandled() throws Exception {
        Account builder = client.account("builder");
        client.task(builder.apiKey(), client.agent(builder), "pending work");
        try (RawSocket socket = RawSocket.open(hub.port())) {
            socket.connect("Bearer not-a-key");
            socket.emit("_emit-steps", Map.of("status", "Pending", "dids", List.of()));

            List<String> frames = socket.framesUntilClosed(SHORT);

            assertThat(frames.getFirst()).startsWith("44{").contains("not a well-formed JWT");
            assertThat(frames).noneMatch(frame -> frame.contains("step-updated") || frame.contains("_connected"));
        }
    }

    @Test
    void aSocketThatNeverAuthenticates_isClosedAtTheDeadline() throws Exception {
        try (RawSocket socket = RawSocket.open(hub.port())) {
            assertThat(socket.framesUntilClosed(Duration.ofSeconds(9)))
                    .noneMatch(frame -> frame.contains("_connected"));
        }
    }

    @Test
    void longPolling_isRefusedWithAJsonErrorNamingTheWebSocketTransport() {
        for (HubClient.Reply reply : List.of(
                client.get("/socket.io/?EIO=4&transport=polling", null),
                client.raw("POST", "/socket.io/?EIO=4&transport=polling&sid=x", null, "text/plain", "40".getBytes()))) {
            assertThat(reply.status()).isEqualTo(400);
            assertThat(reply.contentType()).startsWith("application/json");
            assertThat(reply.message()).contains("WebSocket only");
        }
    }

    @Test
    void anUpgradeWithARequestPipelinedBehindIt_isClosedUnanswered_andTheNextSocketStillConnects() throws Exception {
        String upgradeThenPost = UPGRADE + """
                POST /api/v1/agents HTTP/1.1\r
                Host: 127.0.0.1\r
                Content-Type: application/json\r
                Content-Length: 13\r
                \r
                {"name":"x"}
                """;
        try (java.net.Socket raw = new java.net.Socket("127.0.0.1", hub.port())) {
            raw.setSoTimeout(5_000);
            raw.getOutputStream().write(upgradeThenPost.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            raw.getOutputStream().flush();

            byte[] answer = raw.getInputStream().readAllBytes();

            assertThat(new String(answer, java.nio.charset.StandardCharsets.US_ASCII))
                    .doesNotContain("101");
        }
        Account builder = client.account("builder");
        try (RawSocket socket = RawSocket.open(hub.port())) {
            socket.connect("Bearer " + builder.apiKey());
            socket.await("_connected");
        }
    }

    @Test
    void connected_alwaysComesAfterTheConnectAcknowledgement_asClientsOnlyHandleEventsOfAConnectedNamespace()
            throws Exception {
        Account builder = client.account("eager builder");
        client.agent(builder); // a REST call first, as workers do: the key is then known to be active
        for (int i = 0; i < 60; i++) {
            try (RawSocket socket = RawSocket.open(hub.port())) {
                socket.connect("Bearer " + builder.apiKey());
                List<String> before = new ArrayList<>();
                socket.await("_connected", Duration.ofSeconds(5), before);

                assertThat(before)
                        .as("frames before _connected, connection %d", i)
                        .hasSize(1);
                assertThat(before.getFirst()).startsWith("40{\"sid\"");
            }
        }
    }

    @Test
    void upgradesWhoseClientsLeaveAtOnce_leaveNoSocketBehind() throws Exception {
        // Sockets of earlier tests are closed by their clients, but the hub notices a close a moment later.
        assertThat(openSocketsAfterSettling()).isZero();
        for (int i = 0; i < 30; i++) {
            try (java.net.Socket raw = new java.net.Socket("127.0.0.1", hub.port())) {
                raw.getOutputStream().write(UPGRADE.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                raw.shutdownOutput();
            }
        }

        assertThat(openSocketsAfterSettling()).isZero();
    }

    /** The hub's open sockets once they reach zero, or after two seconds. */
    private static int openSocketsAfterSettling() throws InterruptedException {
        return hub.awaitOpenSockets(0, Duration.ofSeconds(2));
    }

    @Test
    void revokedKeysAndAccessTokens_cannotOpenASocket() throws Exception {
        Account revoked = client.account("revoked");
        client.delete("/api/v1/admin/keys/" + revoked.keyId(), ADMIN_TOKEN);
        Account subscriber = client.account("subscriber");
        String accessToken = client.accessToken(subscriber, client.agent(client.account("builder")));

        for (String credential : List.of(revoked.apiKey(), accessToken)) {
            try (RawSocket socket = RawSocket.open(hub.port())) {
                socket.connect("Bearer " + credential);
                List<String> frames = socket.framesUntilClosed(SHORT);
                assertThat(frames).noneMatch(frame -> frame.contains("_connected"));
                assertThat(String.join("\n", frames)).containsAnyOf("revoked", "not an access token");
            }
        }
    }

    @Test
    void manySocketsAtOnce_allConnectThroughThePublicPort_andAllReceiveTheirEvents() throws Exception {
        Account builder = client.account("busy builder");
        String did = client.agent(builder);
        List<RawSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < 150; i++) {
                RawSocket socket = RawSocket.open(hub.port());
                socket.connect("Bearer " + builder.apiKey());
                sockets.add(socket);
            }
            for (RawSocket socket : sockets) {
                socket.await("_connected");
                socket.emit("_join-rooms", Map.of("joinAgentRooms", List.of(did)));
                socket.await("_join-rooms_");
            }

            String stepId = client.task(builder.apiKey(), did, "for everyone")
                    .at("/steps/0/step_id")
                    .asText();

            for (RawSocket socket : sockets) {
                assertThat(socket.await("step-updated").payload().get("step_id").asText())
                        .isEqualTo(stepId);
            }
        } finally {
            sockets.forEach(RawSocket::close);
        }
    }

    @Test
    void revokingAKey_closesTheSocketsAlreadyOpenWithIt() throws Exception {
        Account account = client.account("soon revoked");
        try (RawSocket socket = RawSocket.open(hub.port())) {
            socket.connect("Bearer " + account.apiKey());
            socket.await("_connected");

            client.delete("/api/v1/admin/keys/" + account.keyId(), ADMIN_TOKEN);

            List<String> frames = socket.framesUntilClosed(Duration.ofSeconds(15));
            assertThat(String.join("\n", frames)).contains("was revoked");
        }
    }

    @Test
    void theConnectAuthPayload_withOrWithoutBearer_andTheUpgradeHeader_eachGiveOneConnectedEvent() throws Exception {
        Account account = client.account("worker");
        List<RawSocket> sockets = new ArrayList<>();
        try {
            RawSocket bearer = RawSocket.open(hub.port());
            bearer.connect("Bearer " + account.apiKey());
            RawSocket bare = RawSocket.open(hub.port());
            bare.connect(account.apiKey());
            // A browser's other headers (a cookie here) are not kept with the socket; the credential is.
            RawSocket header = RawSocket.open(
                    hub.port(), Map.of("Authorization", "Bearer " + account.apiKey(), "Cookie", "session=abc"));
            header.connect(null);
            sockets.addAll(List.of(bearer, bare, header));

            for (RawSocket socket : sockets) {
                List<String> before = new ArrayList<>();
                JsonNode connected = socket.await("_connected", SHORT, before).payload();
                assertThat(connected.get("account").asText()).isEqualTo(account.address());
                socket.emit("_join-rooms", "{\"joinAccountRoom\":false}");
                List<String> between = new ArrayList<>();
                socket.await("_join-rooms_", SHORT, between);
                assertThat(between).noneMatch(frame -> frame.contains("_connected"));
            }
        } finally {
            sockets.forEach(RawSocket::close);
        }
    }

    @Test
    void aWorkerInItsAccountRoomAndAgentRoom_getsEachPendingStepOnce_andAStrangerGetsNothing() throws Exception {
        Account builder = client.account("builder");
        Account stranger = client.account("stranger");
        String did = client.agent(builder);
        try (RawSocket worker = RawSocket.open(hub.port());
                RawSocket spy = RawSocket.open(hub.port())) {
            worker.connect("Bearer " + builder.apiKey());
            worker.await("_connected");
            worker.emit("_join-rooms", Map.of("joinAccountRoom", true, "joinAgentRooms", List.of(did)));
            assertThat(worker.await("_join-rooms_")
                            .payload()
                            .get("agents")
                            .get(0)
                            .asText())
                    .isEqualTo(did);
            spy.connect("Bearer " + stranger.apiKey());
            spy.await("_connected");
            spy.emit("_join-rooms", Map.of("joinAccountRoom", true, "joinAgentRooms", List.of(did)));
            List<String> refused = new ArrayList<>();
            assertThat(spy.await("_join-rooms_", SHORT, refused).payload().get("agents"))
                    .isEmpty();
            assertThat(refused).anyMatch(frame -> frame.contains("not yours"));

            String first = client.task(builder.apiKey(), did, "one")
                    .at("/steps/0/step_id")
                    .asText();
            String second = client.task(builder.apiKey(), did, "two")
                    .at("/steps/0/step_id")
                    .asText();

            assertThat(worker.await("step-updated").payload().get("step_id").asText())
                    .isEqualTo(first);
            List<String> between = new ArrayList<>();
            JsonNode next = worker.await("step-updated", SHORT, between).payload();
            assertThat(next.get("step_id").asText()).isEqualTo(second);
            assertThat(next.get("did").asText()).isEqualTo(did);
            assertThat(between).noneMatch(frame -> frame.contains("step-updated"));
            spy.emit("_join-rooms", "{}");
            List<String> spyFrames = new ArrayList<>();
            spy.await("_join-rooms_", SHORT, spyFrames);
            assertThat(spyFrames).noneMatch(frame -> frame.contains("step-updated"));
        }
    }

    @Test
    void joiningATask_answersBeforeReplayingItsLogsAndState_andRelaysNewLogs() throws Exception {
        SubscribersTask task = subscribersTask();
        Account builder = task.builder();
        Account subscriber = task.subscriber();
        String did = task.did();
        String taskId = task.taskId();
        try (RawSocket agent = RawSocket.open(hub.port());
                RawSocket user = RawSocket.open(hub.port())) {
            agent.connect("Bearer " + builder.apiKey());
            agent.await("_connected");
            agent.emit("_task-log", "{\"task_id\":\"" + taskId + "\",\"message\":\"started\",\"level\":\"info\"}");
            agent.emit("_join-tasks", Map.of("tasks", List.of(taskId), "history", false));
            agent.await("_join-tasks_");

            user.connect("Bearer " + subscriber.apiKey());
            user.await("_connected");
            user.emit("_join-tasks", Map.of("tasks", List.of(taskId)));
            assertThat(user.await("_join-tasks_").payload().get("tasks").get(0).asText())
                    .isEqualTo(taskId);
            assertThat(user.await("task-log").payload().get("message").asText()).isEqualTo("started");
            JsonNode snapshot = user.await("task-updated").payload();
            assertThat(snapshot.get("task_status").asText()).isEqualTo("Pending");
            assertThat(snapshot.get("status").asText()).isEqualTo("Pending");

            agent.emit(
                    "_task-log",
                    Map.of("task_id", taskId, "message", "done", "level", "info", "task_status", "Completed"));
            assertThat(user.await("task-log").payload().get("message").asText()).isEqualTo("done");
            JsonNode relayed = user.await("task-updated").payload();
            assertThat(relayed.get("status").asText()).isEqualTo("Completed");
            assertThat(relayed.get("did").asText()).isEqualTo(did);
            assertThat(count("select count(*) from task_logs where task_id = ?", taskId))
                    .isEqualTo(2);
            assertThat(count("select count(*) from tasks where task_id = ? and task_status = 'Pending'", taskId))
                    .as("a log never changes the task")
                    .isEqualTo(1);
        }
    }

    /** Two logs are sent by the thread that read them; forty move to a virtual thread. */
    @ParameterizedTest
    @ValueSource(ints = {2, 40})
    void aJoinsReplay_shortOrLong_arrivesInOrder_beforeTheAnswerToTheSocketsNextEvent(int logs) throws Exception {
        SubscribersTask task = subscribersTask();
        String taskId = task.taskId();
        try (RawSocket agent = RawSocket.open(hub.port());
                RawSocket user = RawSocket.open(hub.port())) {
            agent.connect("Bearer " + task.builder().apiKey());
            agent.await("_connected");
            List<String> expected = new ArrayList<>(List.of("_join-tasks_"));
            for (int i = 0; i < logs; i++) {
                agent.emit("_task-log", Map.of("task_id", taskId, "message", "line " + i, "level", "info"));
                expected.add("task-log " + "line " + i);
            }
            expected.add("task-updated Pending");
            agent.emit("_join-tasks", Map.of("tasks", List.of(taskId), "history", false));
            agent.await("_join-tasks_"); // after its logs: a socket's events are handled in order

            user.connect("Bearer " + task.subscriber().apiKey());
            user.await("_connected");
            user.emit("_join-tasks", Map.of("tasks", List.of(taskId)));
            user.emit("_join-rooms", Map.of());
            List<String> before = new ArrayList<>();
            user.await("_join-rooms_", SHORT, before);

            assertThat(before.stream().map(RawSocket.Event::parse).map(RealtimeGatewayTest::summary))
                    .containsExactlyElementsOf(expected);
        }
    }

    /** A builder's agent, and a task of it that a subscriber created. */
    private record SubscribersTask(Account builder, Account subscriber, String did, String taskId) {}

    private SubscribersTask subscribersTask() throws Exception {
        Account builder = client.account("builder");
        Account subscriber = client.account("subscriber");
        String did = client.agent(builder);
        String taskId = client.task(client.accessToken(subscriber, did), did, "q")
                .at("/task/task_id")
                .asText();
        return new SubscribersTask(builder, subscriber, did, taskId);
    }

    /** An event's name, and the message of a log or the status of a task it carries. */
    private static String summary(RawSocket.Event event) {
        return switch (event.name()) {
            case "task-log" -> "task-log " + event.payload().get("message").asText();
            case "task-updated" ->
                "task-updated " + event.payload().get("task_status").asText();
            default -> event.name();
        };
    }

    @Test
    void aTasksRoom_isLeftAFewSecondsAfterTheTaskEnds_logsInTheMeantimeArrive_laterOnesAreReplayed() throws Exception {
        Account builder = client.account("builder");
        Account subscriber = client.account("subscriber");
        String did = client.agent(builder);
        JsonNode created = client.task(client.accessToken(subscriber, did), did, "q");
        String taskId = created.at("/task/task_id").asText();
        String stepId = created.at("/steps/0/step_id").asText();
        try (RawSocket agent = RawSocket.open(hub.port());
                RawSocket user = RawSocket.open(hub.port())) {
            agent.connect("Bearer " + builder.apiKey());
            agent.await("_connected");
            user.connect("Bearer " + subscriber.apiKey());
            user.await("_connected");
            user.emit("_join-tasks", Map.of("tasks", List.of(taskId), "history", false));
            user.await("_join-tasks_");

            HubClient.Reply done = client.put(
                    "/api/v1/agents/" + did + "/tasks/" + taskId + "/step/" + stepId,
                    builder.apiKey(),
                    Map.of("step_status", "Completed", "output", "done", "is_last", true));
            assertThat(done.status()).isEqualTo(201);
            assertThat(user.await("task-updated").payload().get("task_status").asText())
                    .isEqualTo("Completed");
            agent.emit("_task-log", Map.of("task_id", taskId, "message", "wrapping up", "level", "info"));
            assertThat(user.await("task-log").payload().get("message").asText()).isEqualTo("wrapping up");

            assertLeftAfterTheGrace(user, builder, taskId, "too late to be live");

            user.emit("_join-tasks", Map.of("tasks", List.of(taskId)));
            user.await("_join-tasks_");
            List<String> replayed = new ArrayList<>();
            replayed.add(user.await("task-log").payload().get("message").asText());
            replayed.add(user.await("task-log").payload().get("message").asText());
            assertThat(replayed).containsExactly("wrapping up", "too late to be live");
            assertThat(user.await("task-updated").payload().get("task_status").asText())
                    .isEqualTo("Completed");

            assertLeftAfterTheGrace(user, builder, taskId, "after a rejoin whose replay showed the task ended");
        }
    }

    /** Once the grace after a task's end has passed, a log on it no longer reaches {@code socket} live. */
    private static void assertLeftAfterTheGrace(RawSocket socket, Account owner, String taskId, String log)
            throws Exception {
        Thread.sleep(EndedTaskRooms.GRACE
                .plus(EndedTaskRooms.CHECK_EVERY.multipliedBy(2))
                .toMillis());
        RawSocket.logStored(hub.port(), owner.apiKey(), taskId, log);
        assertThat(socket.next(Duration.ofSeconds(1)))
                .as("nothing reaches the socket: " + log)
                .isNull();
    }

    @Test
    void malformedPayloads_getAnErrorEvent_changeNothing_andTheSocketStaysUsable() throws Exception {
        Account builder = client.account("builder");
        String did = client.agent(builder);
        String taskId =
                client.task(builder.apiKey(), did, "q").at("/task/task_id").asText();
        try (RawSocket socket = RawSocket.open(hub.port())) {
            socket.connect("Bearer " + builder.apiKey());
            socket.await("_connected");
            List<Object[]> bad = List.of(
                    new Object[] {"_join-rooms", "{nope"},
                    new Object[] {"_join-rooms", 42},
                    new Object[] {"_join-rooms", Map.of("joinAgentRooms", Map.of("a", 1))},
                    new Object[] {"_emit-steps", Map.of("status", "Done")},
                    new Object[] {"_join-tasks", List.of(1, 2)},
                    new Object[] {"_task-log", Map.of("task_id", taskId)},
                    new Object[] {"_task-log", Map.of("task_id", taskId, "message", 7)},
                    new Object[] {"_task-log", Map.of("task_id", taskId, "message", "x", "level", true)},
                    new Object[] {"_task-log", Map.of("task_id", taskId, "message", "x", "task_status", "Finished")},
                    new Object[] {"_task-log", Map.of("task_id", "task-unknown", "message", "x")});
            for (Object[] event : bad) {
                socket.emit((String) event[0], event[1]);
                JsonNode error = socket.await("error").payload();
                assertThat(error.get("event").asText()).isEqualTo(event[0]);
                assertThat(error.get("message").asText()).isNotBlank();
            }
            socket.emit("subscribe-agent", "{}");
            socket.emit("_join-tasks", Map.of("tasks", List.of(taskId), "history", false));
            assertThat(socket.await("_join-tasks_")
                            .payload()
                            .get("tasks")
                            .get(0)
                            .asText())
                    .isEqualTo(taskId);
        }
        assertThat(count("select count(*) from task_logs where task_id = ?", taskId))
                .isZero();
    }

    @Test
    void anEventCommittedThroughAnotherHub_reachesThisHubsSockets() throws Exception {
        Account builder = client.account("builder");
        String did = client.agent(builder);
        try (Hub other = Hub.start(
                        HubTestBase.testConfig(new DatabaseConfig(databaseUrl, 4), Optional.of(ADMIN_TOKEN)),
                        InstantSource.system());
                RawSocket worker = RawSocket.open(hub.port());
                RawSocket otherWorker = RawSocket.open(other.port())) {
            HubClient otherClient = new HubClient("http://127.0.0.1:" + other.port(), ADMIN_TOKEN);
            for (RawSocket socket : List.of(worker, otherWorker)) {
                socket.connect("Bearer " + builder.apiKey());
                socket.await("_connected");
                socket.emit("_join-rooms", Map.of("joinAgentRooms", did));
                socket.await("_join-rooms_");
            }

            String viaOther = otherClient
                    .task(builder.apiKey(), did, "via B")
                    .at("/steps/0/step_id")
                    .asText();
            String viaThis = client.task(builder.apiKey(), did, "via A")
                    .at("/steps/0/step_id")
                    .asText();

            for (RawSocket socket : List.of(worker, otherWorker)) {
                assertThat(socket.await("step-updated").payload().get("step_id").asText())
                        .isEqualTo(viaOther);
                assertThat(socket.await("step-updated").payload().get("step_id").asText())
                        .isEqualTo(viaThis);
            }
        }
    }

    @Test
    void aTaskStatusInALogLine_isOnlyTheAgentOwnersToReport() throws Exception {
        Account builder = client.account("builder");
        Account user = client.account("user");
        String did = client.agent(builder);
        String taskId = client.task(user.apiKey(), did, "q").at("/task/task_id").asText();
        try (RawSocket creator = RawSocket.open(hub.port())) {
            creator.connect("Bearer " + user.apiKey());
            creator.await("_connected");

            creator.emit("_task-log", Map.of("task_id", taskId, "message", "done, says I", "task_status", "Completed"));

            assertThat(creator.await("error").payload().get("message").asText())
                    .contains("only the owner of agent " + did);
        }
        assertThat(count("select count(*) from task_logs where task_id = ?", taskId))
                .isZero();
    }

    @Test
    void emitSteps_replaysAtMostAThousandSteps_andSaysWhenMoreWait() throws Exception {
        Account builder = client.account("busy-builder");
        String did = client.agent(builder);
        String taskId =
                client.task(builder.apiKey(), did, "q").at("/task/task_id").asText();
        execute("""
                insert into steps (step_id, task_id, did, owner, step_status, name, step_order, created_at, updated_at)
                select 'step-bulk-' || i, ?, ?, ?, 'Pending', 'bulk', i + 1, now(), now()
                from generate_series(1, 1000) as i
                """, taskId, did, builder.address());
        try (RawSocket worker = RawSocket.open(hub.port())) {
            worker.connect("Bearer " + builder.apiKey());
            worker.await("_connected");

            worker.emit("_emit-steps", Map.of("status", "Pending", "dids", List.of()));

            List<String> replayed = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                replayed.add(
                        worker.await("step-updated").payload().get("step_id").asText());
            }
            assertThat(replayed).doesNotHaveDuplicates();
            JsonNode notice = worker.await("error").payload();
            assertThat(notice.get("event").asText()).isEqualTo("_emit-steps");
            assertThat(notice.get("message").asText()).contains("oldest 1000", "more wait");
        }
    }

    @Test
    void emitSteps_replaysTheCallersPendingSteps_oldestFirst_toThatSocketOnly() throws Exception {
        Account builder = client.account("builder");
        String did = client.agent(builder);
        String other = client.agent(builder);
        String first =
                client.task(builder.apiKey(), did, "1").at("/steps/0/step_id").asText();
        String second =
                client.task(builder.apiKey(), other, "2").at("/steps/0/step_id").asText();
        try (RawSocket socket = RawSocket.open(hub.port())) {
            socket.connect("Bearer " + builder.apiKey());
            socket.await("_connected");

            socket.emit("_emit-steps", "{\"status\":\"Pending\",\"dids\":[]}");
            assertThat(socket.await("step-updated").payload().get("step_id").asText())
                    .isEqualTo(first);
            assertThat(socket.await("step-updated").payload().get("step_id").asText())
                    .isEqualTo(second);

            socket.emit("_emit-steps", Map.of("status", "Pending", "dids", List.of(other)));
            assertThat(socket.await("step-updated").payload().get("step_id").asText())
                    .isEqualTo(second);
        }
    }
}
