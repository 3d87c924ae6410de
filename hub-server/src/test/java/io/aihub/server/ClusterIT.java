package io.aihub.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.aihub.server.HubClient.Account;
import io.aihub.store.jdbc.TestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Two hub processes on one PostgreSQL, as behind a load balancer, one of them killed and restarted. */
class ClusterIT {
    private static final String ADMIN_TOKEN = "cluster-it-admin-token-0123456789";

    private static HubProcess a;
    private static HubProcess b;
    private static HubClient viaA;
    private static HubClient viaB;

    @BeforeAll
    static void startTwoHubsOnOneDatabase() throws Exception {
        String database = TestDatabase.freshSchemaUrl();
        a = HubProcess.start("hub-a", database, ADMIN_TOKEN);
        b = HubProcess.start("hub-b", database, ADMIN_TOKEN);
        viaA = new HubClient(a.url(), ADMIN_TOKEN);
        viaB = new HubClient(b.url(), ADMIN_TOKEN);
    }

    @AfterAll
    static void stopHubs() throws InterruptedException {
        try {
            if (a != null) {
                a.close();
            }
        } finally {
            if (b != null) {
                b.close();
            }
        }
    }

    @Test
    void twentyCreationsWithOneIdempotencyKey_acrossBothNodesAtOnce_makeOneTask() throws Exception {
        Account builder = viaA.account("idempotent-builder");
        Account subscriber = viaB.account("idempotent-subscriber");
        String did = viaA.agent(builder);
        String key = java.util.UUID.randomUUID().toString();
        java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
        List<java.util.concurrent.Future<HubClient.Reply>> replies = new ArrayList<>();
        try (var callers = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 20; i++) {
                HubClient node = i % 2 == 0 ? viaA : viaB;
                replies.add(callers.submit(() -> {
                    start.await();
                    return node.postOnce(
                            "/api/v1/agents/" + did + "/tasks",
                            subscriber.apiKey(),
                            key,
                            Map.of("query", "exactly once"));
                }));
            }
            start.countDown();
            java.util.Set<String> taskIds = new java.util.HashSet<>();
            for (var reply : replies) {
                HubClient.Reply answer = reply.get();
                assertThat(answer.status()).isEqualTo(201);
                taskIds.add(answer.body().at("/task/task_id").asText());
            }
            assertThat(taskIds).hasSize(1);
        }
        HubClient.Reply other = viaB.postOnce(
                "/api/v1/agents/" + did + "/tasks", subscriber.apiKey(), key, Map.of("query", "something else"));
        assertThat(other.status()).isEqualTo(422);
        assertThat(viaA.post("/api/v1/agents/search/tasks", builder.apiKey(), Map.of("did", did))
                        .body()
                        .get("totalResults")
                        .asInt())
                .isEqualTo(1);
    }

    @Test
    void expiredLeases_sweptByBothNodesAtOnce_areEachRescuedOnce() throws Exception {
        Account builder = viaA.account("rescue-builder");
        Account subscriber = viaB.account("rescue-subscriber");
        String did = viaA.agent(builder);
        assertThat(viaA.put(
                                "/api/v1/agents/" + did,
                                builder.apiKey(),
                                Map.of("step_lease_seconds", 10, "step_max_attempts", 2))
                        .status())
                .isEqualTo(200);
        try (RawSocket watcher = worker(b, builder, did)) { // receives, never updates
            List<String> steps = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                steps.add(viaA.task(subscriber.apiKey(), did, "nobody takes " + i)
                        .at("/steps/0/step_id")
                        .asText());
            }

            Map<String, List<Integer>> attempts = new java.util.HashMap<>();
            // Each step is announced when created and once when handed out again; its second expiry, its last
            // attempt, fails it and announces no step, so there are 400 however slowly the steps were created.
            for (int i = 0; i < 400; i++) {
                JsonNode step = watcher.await("step-updated", Duration.ofSeconds(30), new ArrayList<>())
                        .payload();
                attempts.computeIfAbsent(step.get("step_id").asText(), id -> new ArrayList<>())
                        .add(step.get("retries").asInt());
            }

            assertThat(attempts.keySet()).containsExactlyInAnyOrderElementsOf(steps);
            assertThat(attempts.values()).allSatisfy(seen -> assertThat(seen).containsExactly(0, 1));
        }
    }

    @Test
    void eventsCrossNodesBothWaysOnce_andANodeKilledHardLosesNothing() throws Exception {
        Account builder = viaA.account("builder");
        Account subscriber = viaB.account("subscriber");
        String did = viaA.agent(builder);

        try (RawSocket workerOnA = worker(a, builder, did);
                RawSocket userOnB = user(b, subscriber)) {
            // B → A: a task created through B reaches the worker on A.
            JsonNode created = viaB.task(subscriber.apiKey(), did, "across");
            String taskId = created.at("/task/task_id").asText();
            String stepId = created.at("/steps/0/step_id").asText();
            assertThat(workerOnA.await("step-updated").payload().get("step_id").asText())
                    .isEqualTo(stepId);
            userOnB.emit("_join-tasks", Map.of("tasks", List.of(taskId), "history", false));
            userOnB.await("_join-tasks_");

            // A → B: completing it through A reaches the user on B, once.
            viaA.put(
                    "/api/v1/agents/" + did + "/tasks/" + taskId + "/step/" + stepId,
                    builder.apiKey(),
                    Map.of("step_status", "Completed", "output", "done", "is_last", true, "cost", 2));
            JsonNode completed = userOnB.await("task-updated").payload();
            assertThat(completed.get("task_status").asText()).isEqualTo("Completed");
            assertThat(completed.get("cost").asLong()).isEqualTo(2);

            String marker = viaA.task(subscriber.apiKey(), did, "marker")
                    .at("/steps/0/step_id")
                    .asText();
            List<String> between = new ArrayList<>();
            assertThat(workerOnA
                            .await("step-updated", Duration.ofSeconds(10), between)
                            .payload()
                            .get("step_id")
                            .asText())
                    .isEqualTo(marker);
            assertThat(between).as("nothing delivered twice").noneMatch(frame -> frame.contains(stepId));
        }

        // B dies without a goodbye while work keeps arriving through A.
        b.killHard();
        List<String> pending = new ArrayList<>();
        String loggedTask = null;
        for (int i = 0; i < 3; i++) {
            JsonNode task = viaA.task(subscriber.apiKey(), did, "while B is down " + i);
            pending.add(task.at("/steps/0/step_id").asText());
            loggedTask = task.at("/task/task_id").asText();
        }
        try (RawSocket agentOnA = worker(a, builder, did)) {
            agentOnA.emit("_join-tasks", Map.of("tasks", List.of(loggedTask), "history", false));
            agentOnA.await("_join-tasks_");
            agentOnA.emit("_task-log", Map.of("task_id", loggedTask, "message", "written while B was down"));
            assertThat(agentOnA.await("task-log").payload().get("message").asText())
                    .isEqualTo("written while B was down");
        }
        b.restart();

        // A worker reconnecting to B gets every pending step; a user joining gets the history.
        try (RawSocket workerOnB = worker(b, builder, did);
                RawSocket userOnB = user(b, subscriber)) {
            workerOnB.emit("_emit-steps", Map.of("status", "Pending", "dids", List.of(did)));
            List<String> replayed = new ArrayList<>();
            for (int i = 0; i < pending.size() + 1; i++) {
                replayed.add(
                        workerOnB.await("step-updated").payload().get("step_id").asText());
            }
            assertThat(replayed).containsAll(pending);

            userOnB.emit("_join-tasks", Map.of("tasks", List.of(loggedTask)));
            userOnB.await("_join-tasks_");
            assertThat(userOnB.await("task-log").payload().get("message").asText())
                    .isEqualTo("written while B was down");
            assertThat(userOnB.await("task-updated")
                            .payload()
                            .get("task_status")
                            .asText())
                    .isEqualTo("Pending");
        }
    }

    @Test
    void aKeyRevokedThroughOneNode_isRefusedThereAtOnce_andByTheOtherWithinASecond() throws Exception {
        Account builder = viaA.account("builder");
        assertThat(viaB.get("/api/v1/agents", builder.apiKey()).status()).isEqualTo(200);

        long revokedAt = System.nanoTime();
        assertThat(viaA.delete("/api/v1/admin/keys/" + builder.keyId(), ADMIN_TOKEN)
                        .status())
                .isEqualTo(200);

        assertThat(viaA.get("/api/v1/agents", builder.apiKey()).status()).isEqualTo(401);
        int onB;
        do {
            onB = viaB.get("/api/v1/agents", builder.apiKey()).status();
        } while (onB == 200
                && System.nanoTime() - revokedAt < Duration.ofSeconds(3).toNanos());
        assertThat(onB).isEqualTo(401);
        assertThat(Duration.ofNanos(System.nanoTime() - revokedAt)).isLessThan(Duration.ofMillis(1500));
    }

    private static RawSocket worker(HubProcess hub, Account builder, String did) throws Exception {
        return RawSocket.worker(hub.port(), builder.apiKey(), did);
    }

    private static RawSocket user(HubProcess hub, Account subscriber) throws Exception {
        RawSocket socket = RawSocket.open(hub.port());
        socket.connect("Bearer " + subscriber.apiKey());
        socket.await("_connected");
        return socket;
    }
}
