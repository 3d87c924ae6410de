package io.aihub.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.aihub.server.HubClient.Account;
import io.aihub.server.HubClient.Reply;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Who may do what, as a matrix: every endpoint against every kind of caller. A refused request
 * answers with the right code and a JSON message, and changes nothing.
 */
class AuthorizationMatrixTest extends HubTestBase {
    /** The callers of the matrix. */
    enum As {
        NOBODY,
        GARBAGE,
        REVOKED_KEY,
        OWNER,
        SUBSCRIBER_KEY,
        ACCESS_TOKEN,
        OTHER_AGENTS_TOKEN,
        STRANGER,
        ADMIN
    }

    private static Account owner;
    private static Account subscriber;
    private static Account stranger;
    private static Account revoked;
    private static String did;
    private static String taskId;
    private static String stepId;
    private static Map<As, String> tokens;

    @BeforeAll
    static void world() {
        owner = client.account("owner");
        subscriber = client.account("subscriber");
        stranger = client.account("stranger");
        revoked = client.account("revoked");
        did = client.agent(owner);
        String otherDid = client.agent(stranger);
        String accessToken = client.accessToken(subscriber, did);
        JsonNode task = client.task(accessToken, did, "the query");
        taskId = task.at("/task/task_id").asText();
        stepId = task.at("/steps/0/step_id").asText();
        assertThat(client.delete("/api/v1/admin/keys/" + revoked.keyId(), ADMIN_TOKEN)
                        .status())
                .isEqualTo(200);
        tokens = new java.util.EnumMap<>(As.class);
        tokens.put(As.GARBAGE, "not-a-jwt");
        tokens.put(As.REVOKED_KEY, revoked.apiKey());
        tokens.put(As.OWNER, owner.apiKey());
        tokens.put(As.SUBSCRIBER_KEY, subscriber.apiKey());
        tokens.put(As.ACCESS_TOKEN, accessToken);
        tokens.put(As.OTHER_AGENTS_TOKEN, client.accessToken(subscriber, otherDid));
        tokens.put(As.STRANGER, stranger.apiKey());
        tokens.put(As.ADMIN, ADMIN_TOKEN);
    }

    /** An endpoint, and the status each caller gets (callers not listed get 401). */
    record Endpoint(String name, Function<String, Reply> call, Map<As, Integer> expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** A new task the subscriber created on the owner's agent. */
    private static String freshTask() {
        return client.task(tokens.get(As.ACCESS_TOKEN), did, "to cancel")
                .at("/task/task_id")
                .asText();
    }

    static Stream<Endpoint> endpoints() {
        String task = "/api/v1/agents/" + "%s" + "/tasks/" + "%s";
        return Stream.of(
                new Endpoint(
                        "cancel a task (a fresh one each time)",
                        t -> client.post(task.formatted(did, freshTask()) + "/cancel", t, Map.of()),
                        Map.of(
                                As.OWNER,
                                200,
                                As.SUBSCRIBER_KEY,
                                200,
                                As.ACCESS_TOKEN,
                                200,
                                As.OTHER_AGENTS_TOKEN,
                                403,
                                As.STRANGER,
                                404)),
                new Endpoint(
                        "set the agent's leases",
                        t -> client.put("/api/v1/agents/" + did, t, Map.of("step_lease_seconds", 600)),
                        ownerOnly(200)),
                new Endpoint(
                        "create task",
                        t -> client.post("/api/v1/agents/" + did + "/tasks", t, Map.of("query", "x")),
                        Map.of(
                                As.OWNER,
                                201,
                                As.SUBSCRIBER_KEY,
                                201,
                                As.ACCESS_TOKEN,
                                201,
                                As.OTHER_AGENTS_TOKEN,
                                403,
                                As.STRANGER,
                                201)),
                new Endpoint(
                        "get task",
                        t -> client.get(task.formatted(did, taskId), t),
                        Map.of(
                                As.OWNER,
                                200,
                                As.SUBSCRIBER_KEY,
                                200,
                                As.ACCESS_TOKEN,
                                200,
                                As.OTHER_AGENTS_TOKEN,
                                403,
                                As.STRANGER,
                                404)),
                new Endpoint(
                        "steps of task",
                        t -> client.get(task.formatted(did, taskId) + "/steps", t),
                        Map.of(
                                As.OWNER,
                                200,
                                As.SUBSCRIBER_KEY,
                                200,
                                As.ACCESS_TOKEN,
                                200,
                                As.OTHER_AGENTS_TOKEN,
                                403,
                                As.STRANGER,
                                404)),
                new Endpoint(
                        "create steps",
                        t -> client.post(
                                task.formatted(did, taskId) + "/steps",
                                t,
                                Map.of("steps", List.of(Map.of("name", "intruder")))),
                        Map.of(
                                As.OWNER,
                                201,
                                As.SUBSCRIBER_KEY,
                                403,
                                As.ACCESS_TOKEN,
                                403,
                                As.OTHER_AGENTS_TOKEN,
                                403,
                                As.STRANGER,
                                404)),
                new Endpoint(
                        "update step",
                        t -> client.put(
                                task.formatted(did, taskId) + "/step/" + stepId,
                                t,
                                Map.of("step_status", "In_Progress", "cost", 1000, "is_last", true)),
                        Map.of(
                                As.OWNER,
                                201,
                                As.SUBSCRIBER_KEY,
                                403,
                                As.ACCESS_TOKEN,
                                403,
                                As.OTHER_AGENTS_TOKEN,
                                403,
                                As.STRANGER,
                                404)),
                new Endpoint(
                        "search tasks", t -> client.post("/api/v1/agents/search/tasks", t, Map.of()), builderOnly(200)),
                new Endpoint(
                        "search tasks (alias)",
                        t -> client.post("/api/v1/agents/search", t, Map.of()),
                        builderOnly(200)),
                new Endpoint(
                        "search steps", t -> client.post("/api/v1/agents/search/steps", t, Map.of()), builderOnly(200)),
                new Endpoint(
                        "steps of my agents",
                        t -> client.get("/api/v1/agents/steps?status=Pending", t),
                        builderOnly(200)),
                new Endpoint("tasks of my agents", t -> client.get("/api/v1/agents", t), builderOnly(200)),
                new Endpoint("my agents", t -> client.get("/api/v1/account/agents", t), builderOnly(200)),
                new Endpoint("tasks I submitted", t -> client.get("/api/v1/account/tasks", t), builderOnly(200)),
                new Endpoint(
                        "admin issue key",
                        t -> client.post("/api/v1/admin/accounts/" + stranger.address() + "/keys", t, Map.of()),
                        Map.of(As.ADMIN, 201)),
                new Endpoint(
                        "admin list keys",
                        t -> client.get("/api/v1/admin/accounts/" + stranger.address() + "/keys", t),
                        Map.of(As.ADMIN, 200)),
                new Endpoint(
                        "admin register an agent for an account",
                        t -> client.post(
                                "/api/v1/admin/accounts/" + stranger.address() + "/agents", t, Map.of("name", "n")),
                        Map.of(As.ADMIN, 201)),
                new Endpoint(
                        "admin list an account's agents",
                        t -> client.get("/api/v1/admin/accounts/" + stranger.address() + "/agents", t),
                        Map.of(As.ADMIN, 200)),
                new Endpoint("admin figures", t -> client.get("/api/v1/admin/figures", t), Map.of(As.ADMIN, 200)),
                new Endpoint(
                        "admin list an agent's tasks",
                        t -> client.get("/api/v1/admin/agents/" + did + "/tasks?status=Pending", t),
                        Map.of(As.ADMIN, 200)),
                new Endpoint(
                        "admin get a task",
                        t -> client.get("/api/v1/admin/agents/" + did + "/tasks/" + taskId, t),
                        Map.of(As.ADMIN, 200)),
                new Endpoint(
                        "admin revoke key",
                        t -> client.delete("/api/v1/admin/keys/key-unknown", t),
                        Map.of(As.ADMIN, 404)),
                new Endpoint(
                        "task counts of the agent",
                        t -> client.get("/api/v1/agents/" + did + "/task-counts", t),
                        ownerOnly(200)),
                new Endpoint("agent", t -> client.get("/api/v1/agents/" + did, t), ownerOnly(200)),
                new Endpoint(
                        "register agent",
                        t -> client.post("/api/v1/agents", t, Map.of("name", "n")),
                        Map.of(
                                As.OWNER,
                                201,
                                As.SUBSCRIBER_KEY,
                                201,
                                As.ACCESS_TOKEN,
                                403,
                                As.OTHER_AGENTS_TOKEN,
                                403,
                                As.STRANGER,
                                201)),
                new Endpoint(
                        "service token",
                        t -> client.get("/api/v1/payments/service/token/" + did, t),
                        Map.of(
                                As.OWNER,
                                200,
                                As.SUBSCRIBER_KEY,
                                200,
                                As.ACCESS_TOKEN,
                                403,
                                As.OTHER_AGENTS_TOKEN,
                                403,
                                As.STRANGER,
                                200)),
                new Endpoint("admin accounts", t -> client.get("/api/v1/admin/accounts", t), Map.of(As.ADMIN, 200)),
                new Endpoint(
                        "admin create account",
                        t -> client.post("/api/v1/admin/accounts", t, Map.of("name", "x")),
                        Map.of(As.ADMIN, 201)));
    }

    /**
     * Only the agent's owner may call it: access tokens are refused (403), any other key learns nothing
     * (404).
     */
    private static Map<As, Integer> ownerOnly(int status) {
        return Map.of(
                As.OWNER,
                status,
                As.SUBSCRIBER_KEY,
                404,
                As.ACCESS_TOKEN,
                403,
                As.OTHER_AGENTS_TOKEN,
                403,
                As.STRANGER,
                404);
    }

    /** Any API key may call it (scoped to its own agents); access tokens are refused. */
    private static Map<As, Integer> builderOnly(int status) {
        return Map.of(
                As.OWNER,
                status,
                As.SUBSCRIBER_KEY,
                status,
                As.STRANGER,
                status,
                As.ACCESS_TOKEN,
                403,
                As.OTHER_AGENTS_TOKEN,
                403);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("endpoints")
    void everyEndpoint_answersEachKindOfCallerWithTheRightStatus(Endpoint endpoint) {
        List<String> mismatches = new ArrayList<>();
        for (As as : As.values()) {
            if (as == As.ADMIN && !endpoint.name().startsWith("admin")) {
                continue;
            }
            int expected = endpoint.expected().getOrDefault(as, 401);
            Reply reply = endpoint.call().apply(tokens.get(as));
            if (reply.status() != expected) {
                mismatches.add(as + ": expected " + expected + ", got " + reply.status() + " " + reply.body());
            }
            if (reply.status() >= 400) {
                assertThat(reply.body().get("message").asText())
                        .as(as + " message")
                        .isNotBlank();
                assertThat(reply.body().get("statusCode").asInt()).isEqualTo(reply.status());
            }
        }
        assertThat(mismatches).isEmpty();
    }

    @Test
    void builderListings_ofOtherAccounts_showNothingOfThisOwnersWork() {
        for (String token : List.of(stranger.apiKey(), subscriber.apiKey())) {
            assertThat(client.get("/api/v1/agents/steps", token)
                            .body()
                            .get("totalResults")
                            .asInt())
                    .isZero();
            assertThat(client.get("/api/v1/agents", token).body().get("tasks").findValuesAsText("did"))
                    .doesNotContain(did);
            assertThat(client.post("/api/v1/agents/search/steps", token, Map.of("step_id", stepId))
                            .body()
                            .get("steps"))
                    .isEmpty();
            assertThat(client.post("/api/v1/agents/search/tasks", token, Map.of("task_id", taskId))
                            .body()
                            .get("tasks"))
                    .isEmpty();
        }
    }

    @Test
    void aStepIdOfAnotherTenant_givenToANewStep_isRefusedWithoutNamingWhatHoldsIt() {
        Account tenant = client.account("another-tenant"); // not the matrix's stranger: its listings stay empty
        String strangersDid = client.agent(tenant);
        String strangersTask = client.task(tenant.apiKey(), strangersDid, "mine")
                .at("/task/task_id")
                .asText();

        HubClient.Reply refused = client.post(
                "/api/v1/agents/" + strangersDid + "/tasks/" + strangersTask + "/steps",
                tenant.apiKey(),
                Map.of("steps", List.of(Map.of("name", "copy", "step_id", stepId))));

        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.message())
                .contains("step_id given is taken")
                .doesNotContain("Key (", taskId, did, owner.address(), "already exists");
        assertThat(count("select count(*) from steps where task_id = ?", strangersTask))
                .isEqualTo(1);
    }

    @Test
    void refusedWrites_changeNothing() {
        JsonNode task = client.task(tokens.get(As.ACCESS_TOKEN), did, "untouched");
        String id = task.at("/task/task_id").asText();
        String path = "/api/v1/agents/" + did + "/tasks/" + id;
        for (As as : List.of(As.SUBSCRIBER_KEY, As.ACCESS_TOKEN, As.STRANGER, As.REVOKED_KEY, As.GARBAGE, As.NOBODY)) {
            client.put(
                    path + "/step/" + task.at("/steps/0/step_id").asText(),
                    tokens.get(as),
                    Map.of("step_status", "Completed", "cost", 5, "is_last", true));
            client.post(path + "/steps", tokens.get(as), Map.of("steps", List.of(Map.of("name", "x"))));
        }
        assertThat(count("select count(*) from steps where task_id = ?", id)).isEqualTo(1);
        assertThat(count("select count(*) from steps where task_id = ? and step_status = 'Pending'", id))
                .isEqualTo(1);
        assertThat(count("select count(*) from events where task_id = ?", id)).isEqualTo(1);
        assertThat(count("select cost from tasks where task_id = ?", id)).isZero();
    }

    @Test
    void aRevokedKey_alsoRevokesTheAccessTokensIssuedWithIt() {
        Account temporary = client.account("temporary");
        String token = client.accessToken(temporary, did);
        assertThat(client.post("/api/v1/agents/" + did + "/tasks", token, Map.of("query", "x"))
                        .status())
                .isEqualTo(201);

        client.delete("/api/v1/admin/keys/" + temporary.keyId(), ADMIN_TOKEN);

        Reply refused = client.post("/api/v1/agents/" + did + "/tasks", token, Map.of("query", "x"));
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.message()).contains("revoked");
    }
}
