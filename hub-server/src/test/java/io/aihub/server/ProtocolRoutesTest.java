package io.aihub.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.aihub.server.HubClient.Account;
import io.aihub.server.HubClient.Reply;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Query Protocol routes with the codes and shapes the SDKs check (docs/protocol.md §3, §4, §6). */
class ProtocolRoutesTest extends HubTestBase {
    private Account builder;
    private Account subscriber;
    private String did;
    private String accessToken;

    @BeforeEach
    void agentAndSubscriber() {
        builder = client.account("builder");
        subscriber = client.account("subscriber");
        did = client.agent(builder);
        accessToken = client.accessToken(subscriber, did);
    }

    @Test
    void serviceToken_isAnAccessTokenBoundToTheAgent_advertisingTheProxyOrigin() {
        Reply reply = client.get("/api/v1/payments/service/token/" + did, subscriber.apiKey());

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.body().at("/token/neverminedProxyUri").asText()).isEqualTo("http://localhost:3001");
        assertThat(reply.body().at("/token/accessToken").asText()).isNotBlank();
        assertThat(client.get("/api/v1/payments/service/token/did:nv:" + "0".repeat(64), subscriber.apiKey())
                        .status())
                .isEqualTo(404);
    }

    @Test
    void createTask_answers201WithTaskAndInitStep_acceptingBothFieldGenerations() {
        Reply legacy = client.post(
                "/api/v1/agents/" + did + "/tasks",
                accessToken,
                Map.of("query", "q1", "name", "legacy", "additional_params", List.of(Map.of("a", 1), Map.of("b", 2))));
        Reply current = client.post(
                "/api/v1/agents/" + did + "/tasks",
                subscriber.apiKey(),
                Map.of(
                        "input_query",
                        "q2",
                        "input_additional",
                        Map.of("a", 1),
                        "input_artifacts",
                        List.of(Map.of("artifact_id", "x", "url", "https://example.org/x"))));

        assertThat(legacy.status()).isEqualTo(201);
        JsonNode task = legacy.body().get("task");
        assertThat(task.get("task_id").asText()).startsWith("task-");
        assertThat(task.get("did").asText()).isEqualTo(did);
        assertThat(task.get("user").asText()).isEqualTo(subscriber.address());
        assertThat(task.get("owner").asText()).isEqualTo(builder.address());
        assertThat(task.at("/input_additional/b").asInt()).isEqualTo(2);
        assertThat(task.get("output").asText()).isEmpty();
        assertThat(task.get("output_additional").isObject()).isTrue();
        assertThat(task.get("output_artifacts").isArray()).isTrue();
        assertThat(task.get("cost").isIntegralNumber()).isTrue();
        assertThat(legacy.body().at("/steps/0/name").asText()).isEqualTo("init");
        assertThat(legacy.body().at("/steps/0/input_query").asText()).isEqualTo("q1");

        assertThat(current.status()).isEqualTo(201);
        assertThat(current.body().at("/task/input_query").asText()).isEqualTo("q2");
        assertThat(current.body().at("/task/input_params/0/a").asInt()).isEqualTo(1);
        assertThat(current.body().at("/task/input_artifacts/0/artifact_id").asText())
                .isEqualTo("x");
    }

    @Test
    void getTask_answers200WithTaskStepsAndLogs_forTheCreatorAndTheOwner() {
        String taskId =
                client.task(accessToken, did, "hello").at("/task/task_id").asText();

        for (String token : List.of(accessToken, subscriber.apiKey(), builder.apiKey())) {
            Reply reply = client.get("/api/v1/agents/" + did + "/tasks/" + taskId, token);
            assertThat(reply.status()).isEqualTo(200);
            assertThat(reply.body().at("/task/task_status").asText()).isEqualTo("Pending");
            assertThat(reply.body().get("steps")).hasSize(1);
            assertThat(reply.body().get("logs").isArray()).isTrue();
            assertThat(reply.body().at("/task/createdAt").asText())
                    .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
        }
    }

    @Test
    void aThreeStepWorkflow_throughTheRestApi_completesTheTaskWithSummedCostAndCopiedOutput() {
        JsonNode created = client.task(accessToken, did, "a video url");
        String taskId = created.at("/task/task_id").asText();
        String init = created.at("/steps/0/step_id").asText();
        String second = "step-" + UUID.randomUUID();
        String third = "step-" + UUID.randomUUID();
        String base = "/api/v1/agents/" + did + "/tasks/" + taskId;

        Reply steps = client.post(
                base + "/steps",
                builder.apiKey(),
                Map.of(
                        "steps",
                        List.of(
                                Map.of(
                                        "step_id",
                                        second,
                                        "task_id",
                                        taskId,
                                        "name",
                                        "transcribe",
                                        "predecessor",
                                        init,
                                        "order",
                                        2),
                                Map.of(
                                        "step_id",
                                        third,
                                        "name",
                                        "summarise",
                                        "predecessor",
                                        second,
                                        "is_last",
                                        true,
                                        "order",
                                        3,
                                        "input_query",
                                        "",
                                        "is_waiting",
                                        true))));
        assertThat(steps.status()).isEqualTo(201);
        assertThat(steps.body().get("task_id").asText()).isEqualTo(taskId);
        assertThat(steps.body().get("steps"))
                .extracting(step -> step.get("step_status").asText())
                .containsExactly("Not_Ready", "Not_Ready");

        assertThat(complete(base, init, "the transcript", 1, false).status()).isEqualTo(201);
        Reply pending = client.get(base + "/steps?status=Pending", builder.apiKey());
        assertThat(pending.body().get("steps"))
                .singleElement()
                .satisfies(step -> assertThat(step.get("input_query").asText()).isEqualTo("the transcript"));

        assertThat(complete(base, second, "a summary input", 2, null).status()).isEqualTo(201);
        Reply last = complete(base, third, "LFG!", 4, null);
        assertThat(last.status()).isEqualTo(201);
        assertThat(last.body().get("step_status").asText()).isEqualTo("Completed");

        JsonNode task = client.get(base, accessToken).body().get("task");
        assertThat(task.get("task_status").asText()).isEqualTo("Completed");
        assertThat(task.get("output").asText()).isEqualTo("LFG!");
        assertThat(task.get("cost").asLong()).isEqualTo(7);
    }

    @Test
    void updateStep_takesIdsFromThePath_andIgnoresTheRecordFieldsAgentsSpreadBack() {
        JsonNode created = client.task(accessToken, did, "q");
        String taskId = created.at("/task/task_id").asText();
        JsonNode init = created.at("/steps/0");
        Map<String, Object> spread = new java.util.HashMap<>(HubJsonMaps.toMap(init));
        spread.put("step_status", "Completed");
        spread.put("output", "done");
        spread.put("is_last", true);
        spread.put("task_id", "task-" + UUID.randomUUID());
        spread.put("did", "did:nv:" + "f".repeat(64));
        spread.put("retries", 99);
        spread.put("createdAt", "1999-01-01T00:00:00.000Z");
        spread.put("user", "0x" + "1".repeat(40));

        Reply reply = client.put(
                "/api/v1/agents/" + did + "/tasks/" + taskId + "/step/"
                        + init.get("step_id").asText(),
                builder.apiKey(),
                spread);

        assertThat(reply.status()).isEqualTo(201);
        assertThat(reply.body().get("task_id").asText()).isEqualTo(taskId);
        assertThat(reply.body().get("did").asText()).isEqualTo(did);
        assertThat(reply.body().get("retries").asInt()).isZero();
        assertThat(reply.body().get("createdAt").asText())
                .isEqualTo(init.get("createdAt").asText());
        assertThat(client.get("/api/v1/agents/" + did + "/tasks/" + taskId, accessToken)
                        .body()
                        .at("/task/task_status")
                        .asText())
                .isEqualTo("Completed");
    }

    @Test
    void builderListings_tolerateTheSdksQueryStrings_andScopeToTheCallersAgents() {
        String other = client.agent(builder);
        String taskA = client.task(accessToken, did, "a").at("/task/task_id").asText();
        String taskB = client.task(client.accessToken(subscriber, other), other, "b")
                .at("/task/task_id")
                .asText();
        Account stranger = client.account("stranger");
        String strangersAgent = client.agent(stranger);
        client.task(client.accessToken(subscriber, strangersAgent), strangersAgent, "c");

        Reply all = client.get("/api/v1/agents/steps?&status=Pending", builder.apiKey());
        Reply onlyA = client.get(
                "/api/v1/agents/steps?&status=Pending&dids=" + URLEncoder.encode(did, StandardCharsets.UTF_8),
                builder.apiKey());
        Reply tasks = client.get("/api/v1/agents?status=AgentExecutionStatus.Pending", builder.apiKey());

        assertThat(all.status()).isEqualTo(200);
        assertThat(all.body().get("steps"))
                .extracting(s -> s.get("task_id").asText())
                .containsExactlyInAnyOrder(taskA, taskB);
        assertThat(all.body().get("totalResults").asInt()).isEqualTo(2);
        assertThat(onlyA.body().get("steps"))
                .extracting(s -> s.get("task_id").asText())
                .containsExactly(taskA);
        assertThat(tasks.status()).isEqualTo(200);
        assertThat(tasks.body().get("tasks"))
                .extracting(t -> t.get("task_id").asText())
                .containsExactlyInAnyOrder(taskA, taskB);
        assertThat(tasks.body().get("totalResults").asInt()).isEqualTo(2);
    }

    @Test
    void searches_answer200WithTotalsAndPaging_newestFirst() {
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(client.task(accessToken, did, "q" + i).at("/task/task_id").asText());
        }

        Reply page1 = client.post(
                "/api/v1/agents/search/tasks", builder.apiKey(), Map.of("did", did, "page", 1, "offset", 2));
        Reply page2 = client.post(
                "/api/v1/agents/search/tasks", builder.apiKey(), Map.of("did", did, "page", 2, "offset", 2));
        Reply alias = client.post("/api/v1/agents/search", builder.apiKey(), Map.of("task_id", ids.getFirst()));
        Reply steps = client.post("/api/v1/agents/search/steps", builder.apiKey(), Map.of("task_id", ids.get(1)));

        assertThat(page1.status()).isEqualTo(200);
        assertThat(page1.body().get("totalResults").asInt()).isEqualTo(3);
        assertThat(page1.body().get("page").asInt()).isEqualTo(1);
        assertThat(page1.body().get("offset").asInt()).isEqualTo(2);
        assertThat(page1.body().get("tasks")).hasSize(2);
        assertThat(page2.body().get("tasks")).hasSize(1);
        assertThat(page2.body().get("totalResults").asInt()).isEqualTo(3);
        assertThat(alias.body().get("tasks"))
                .singleElement()
                .satisfies(task -> assertThat(task.get("task_id").asText()).isEqualTo(ids.getFirst()));
        assertThat(steps.status()).isEqualTo(200);
        assertThat(steps.body().get("steps")).singleElement().satisfies(step -> {
            assertThat(step.get("did").asText()).isEqualTo(did);
            assertThat(step.get("name").asText()).isEqualTo("init");
        });
        assertThat(steps.body().has("page")).isTrue();
        assertThat(steps.body().has("offset")).isTrue();
    }

    @Test
    void stepsCanBeSentAsABareArray_andServerIdsAreGeneratedForInvalidOnes() {
        JsonNode created = client.task(accessToken, did, "q");
        String taskId = created.at("/task/task_id").asText();

        Reply reply = client.post(
                "/api/v1/agents/" + did + "/tasks/" + taskId + "/steps",
                builder.apiKey(),
                List.of(Map.of("step_id", "my-own-id", "name", "next")));

        assertThat(reply.status()).isEqualTo(201);
        assertThat(reply.body().at("/steps/0/step_id").asText()).matches("step-[0-9a-f-]{36}");
        assertThat(reply.body().at("/steps/0/predecessor").asText())
                .isEqualTo(created.at("/steps/0/step_id").asText());
    }

    @Test
    void aCreationRetriedWithItsIdempotencyKey_answersTheFirstTaskAgain_andAnotherBodyUnderTheKeyIs422() {
        String tasks = "/api/v1/agents/" + did + "/tasks";
        String key = UUID.randomUUID().toString();

        Reply first = client.postOnce(tasks, accessToken, key, Map.of("input_query", "once"));
        Reply retried = client.postOnce(tasks, accessToken, key, Map.of("input_query", "once"));
        Reply otherBody = client.postOnce(tasks, accessToken, key, Map.of("input_query", "something else"));
        Reply tooLong = client.postOnce(tasks, accessToken, "k".repeat(256), Map.of("input_query", "once"));

        assertThat(first.status()).isEqualTo(201);
        assertThat(first.headers().firstValue("Idempotent-Replayed")).isEmpty();
        assertThat(retried.status()).isEqualTo(201);
        assertThat(retried.headers().firstValue("Idempotent-Replayed")).contains("true");
        assertThat(retried.body()).isEqualTo(first.body());
        assertThat(otherBody.status()).isEqualTo(422);
        assertThat(otherBody.message()).contains("another request");
        assertThat(tooLong.status()).isEqualTo(400);
        assertThat(tooLong.body().get("error").asText()).isNotBlank();
        JsonNode listed = client.get("/api/v1/agents", builder.apiKey()).body();
        assertThat(listed.get("tasks"))
                .as("one task however often it was asked for")
                .hasSize(1);
    }

    @Test
    void stepsAddedTwiceWithOneIdempotencyKey_areAddedOnce() {
        JsonNode created = client.task(accessToken, did, "q");
        String steps = "/api/v1/agents/" + did + "/tasks/"
                + created.at("/task/task_id").asText() + "/steps";
        String key = UUID.randomUUID().toString();
        Map<String, Object> body = Map.of("steps", List.of(Map.of("name", "next")));

        Reply first = client.postOnce(steps, builder.apiKey(), key, body);
        Reply again = client.postOnce(steps, builder.apiKey(), key, body);

        assertThat(first.status()).isEqualTo(201);
        assertThat(again.status()).isEqualTo(201);
        assertThat(again.headers().firstValue("Idempotent-Replayed")).contains("true");
        assertThat(again.body()).isEqualTo(first.body());
        assertThat(client.get(steps, builder.apiKey())
                        .body()
                        .get("totalResults")
                        .asInt())
                .as("init and the one step added once")
                .isEqualTo(2);
    }

    private Reply complete(String base, String stepId, String output, int cost, Boolean isLast) {
        Map<String, Object> body =
                new java.util.HashMap<>(Map.of("step_status", "Completed", "output", output, "cost", cost));
        if (isLast != null) {
            body.put("is_last", isLast);
        }
        return client.put(base + "/step/" + stepId, builder.apiKey(), body);
    }
}
