package io.aihub.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.aihub.server.HubClient.Account;
import io.aihub.server.HubClient.Reply;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every class of bad input on every endpoint that reads a body: a 4xx JSON error that names what
 * was wrong, never a 500, and nothing written.
 */
class BadInputTest extends HubTestBase {
    private static Account owner;
    private static String did;
    private static String accessToken;
    private static String taskId;
    private static String stepId;

    @BeforeAll
    static void world() {
        owner = client.account("owner");
        did = client.agent(owner);
        accessToken = client.accessToken(owner, did);
        JsonNode task = client.task(accessToken, did, "q");
        taskId = task.at("/task/task_id").asText();
        stepId = task.at("/steps/0/step_id").asText();
    }

    /** (endpoint, method, path, body, expected status, words the message must contain). */
    static Stream<Arguments> badBodies() {
        String tasks = "/api/v1/agents/" + did + "/tasks";
        String steps = tasks + "/" + taskId + "/steps";
        String step = tasks + "/" + taskId + "/step/" + stepId;
        String agent = "/api/v1/agents/" + did;
        return Stream.of(
                Arguments.of("create task: malformed JSON", "POST", tasks, "{\"query\": ", 400, "not valid JSON"),
                Arguments.of("create task: no query", "POST", tasks, "{}", 400, "`query` is required"),
                Arguments.of("create task: blank query", "POST", tasks, "{\"query\": \"  \"}", 400, "`query`"),
                Arguments.of(
                        "create task: query is an object",
                        "POST",
                        tasks,
                        "{\"query\": {\"a\":1}}",
                        400,
                        "`query` must be a string"),
                Arguments.of(
                        "create task: params not an array",
                        "POST",
                        tasks,
                        "{\"query\":\"q\",\"additional_params\":\"x\"}",
                        400,
                        "`additional_params` must be a JSON array"),
                Arguments.of(
                        "create task: additional not an object",
                        "POST",
                        tasks,
                        "{\"query\":\"q\",\"input_additional\":[1]}",
                        400,
                        "`input_additional` must be a JSON object"),
                Arguments.of("create task: body is an array", "POST", tasks, "[1,2]", 400, "must be a JSON object"),
                Arguments.of("create task: trailing garbage", "POST", tasks, "{\"query\":\"q\"} x", 400, "JSON"),
                Arguments.of("create steps: no steps", "POST", steps, "{}", 400, "`steps` is required"),
                Arguments.of(
                        "create steps: steps not an array",
                        "POST",
                        steps,
                        "{\"steps\": 3}",
                        400,
                        "`steps` is required"),
                Arguments.of("create steps: empty", "POST", steps, "{\"steps\": []}", 400, "between 1 and"),
                Arguments.of(
                        "create steps: order is text",
                        "POST",
                        steps,
                        "{\"steps\":[{\"order\":\"two\"}]}",
                        400,
                        "`steps[0].order` must be an integer"),
                Arguments.of(
                        "create steps: order is fractional",
                        "POST",
                        steps,
                        "{\"steps\":[{\"order\":1.5}]}",
                        400,
                        "`steps[0].order` must be an integer"),
                Arguments.of(
                        "create steps: terminal status",
                        "POST",
                        steps,
                        "{\"steps\":[{\"step_status\":\"Completed\"}]}",
                        400,
                        "steps[0].`step_status`"),
                Arguments.of(
                        "create steps: unknown status",
                        "POST",
                        steps,
                        "{\"steps\":[{\"step_status\":\"Done\"}]}",
                        400,
                        "`steps[0].step_status` must be one of"),
                Arguments.of(
                        "create steps: item not an object",
                        "POST",
                        steps,
                        "{\"steps\":[\"x\"]}",
                        400,
                        "`steps[0]` must be a JSON object"),
                Arguments.of(
                        "create steps: negative cost",
                        "POST",
                        steps,
                        "{\"steps\":[{\"cost\":-1}]}",
                        400,
                        "`cost` must be an integer from 0 to"),
                Arguments.of(
                        "update step: unknown status",
                        "PUT",
                        step,
                        "{\"step_status\":\"Done\"}",
                        400,
                        "`step_status` must be one of Pending"),
                Arguments.of(
                        "update step: status in wrong case",
                        "PUT",
                        step,
                        "{\"step_status\":\"completed\"}",
                        400,
                        "`step_status`"),
                Arguments.of(
                        "update step: cost is text",
                        "PUT",
                        step,
                        "{\"cost\":\"lots\"}",
                        400,
                        "`cost` must be an integer"),
                Arguments.of(
                        "update step: cost overflows",
                        "PUT",
                        step,
                        "{\"cost\":99999999999999999999999}",
                        400,
                        "`cost`"),
                Arguments.of(
                        "update step: is_last is a number",
                        "PUT",
                        step,
                        "{\"is_last\":[]}",
                        400,
                        "`is_last` must be true or false"),
                Arguments.of(
                        "update step: predecessor unknown",
                        "PUT",
                        step,
                        "{\"predecessor\":\"step-00000000-0000-4000-8000-000000000000\"}",
                        400,
                        "`predecessor`"),
                Arguments.of("update step: malformed", "PUT", step, "{\"step_status\":", 400, "not valid JSON"),
                Arguments.of(
                        "search tasks: page 0", "POST", "/api/v1/agents/search/tasks", "{\"page\":0}", 400, "`page`"),
                Arguments.of(
                        "search steps: huge page size",
                        "POST",
                        "/api/v1/agents/search/steps",
                        "{\"offset\":100000}",
                        400,
                        "`offset`"),
                Arguments.of(
                        "search steps: unknown status",
                        "POST",
                        "/api/v1/agents/search/steps",
                        "{\"step_status\":\"x\"}",
                        400,
                        "`step_status`"),
                Arguments.of("register agent: no name", "POST", "/api/v1/agents", "{}", 400, "`name` is required"),
                Arguments.of(
                        "register agent: name is a number",
                        "POST",
                        "/api/v1/agents",
                        "{\"name\":[1]}",
                        400,
                        "`name` must be a string"),
                Arguments.of(
                        "create task: a lone surrogate in the query",
                        "POST",
                        tasks,
                        "{\"query\":\"broken \\ud800 text\"}",
                        400,
                        "`query` holds a lone UTF-16 surrogate"),
                Arguments.of(
                        "update step: a lone low surrogate in the output",
                        "PUT",
                        step,
                        "{\"step_status\":\"In_Progress\",\"output\":\"\\udc00\"}",
                        400,
                        "`output` holds a lone UTF-16 surrogate"),
                Arguments.of(
                        "create steps: a lone surrogate deep in the input",
                        "POST",
                        steps,
                        "{\"steps\":[{\"name\":\"s\",\"input_artifacts\":[{\"a\":\"\\ud83d\"}]}]}",
                        400,
                        "`steps[0].input_artifacts[0].a` holds a lone UTF-16 surrogate"),
                Arguments.of(
                        "set leases: no time at all",
                        "PUT",
                        agent,
                        "{\"step_lease_seconds\":0}",
                        400,
                        "step_lease_seconds"),
                Arguments.of(
                        "set leases: words for seconds",
                        "PUT",
                        agent,
                        "{\"step_lease_seconds\":\"long\"}",
                        400,
                        "step_lease_seconds"),
                Arguments.of(
                        "set leases: a fraction of a second",
                        "PUT",
                        agent,
                        "{\"step_lease_seconds\":1.5}",
                        400,
                        "step_lease_seconds"),
                Arguments.of(
                        "set leases: too many attempts",
                        "PUT",
                        agent,
                        "{\"step_max_attempts\":101}",
                        400,
                        "step_max_attempts"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badBodies")
    void badBodies_get4xxJsonNamingTheProblem_andWriteNothing(
            String name, String method, String path, String body, int status, String words) {
        long before = writes();

        Reply reply =
                client.raw(method, path, owner.apiKey(), "application/json", body.getBytes(StandardCharsets.UTF_8));

        assertThat(reply.status()).as(reply.body().toString()).isEqualTo(status);
        assertThat(reply.contentType()).startsWith("application/json");
        assertThat(reply.message()).contains(words);
        assertThat(writes()).isEqualTo(before);
    }

    /** Every endpoint that reads a body, with a request that names one of its string fields. */
    static Stream<Arguments> bodyEndpoints() {
        String tasks = "/api/v1/agents/" + did + "/tasks";
        return Stream.of(
                Arguments.of("create task", "POST", tasks, "query"),
                Arguments.of("create steps", "POST", tasks + "/" + taskId + "/steps", "steps"),
                Arguments.of("update step", "PUT", tasks + "/" + taskId + "/step/" + stepId, "name"),
                Arguments.of("search tasks", "POST", "/api/v1/agents/search/tasks", "name"),
                Arguments.of("search steps", "POST", "/api/v1/agents/search/steps", "name"),
                Arguments.of("register agent", "POST", "/api/v1/agents", "name"),
                Arguments.of("admin: create account", "POST", "/api/v1/admin/accounts", "name"));
    }

    /** The same classes of bad body for each endpoint: each a 4xx JSON error, nothing written. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("bodyEndpoints")
    void everyBodyReadingEndpoint_refusesEveryClassOfBadBody(String name, String method, String path, String field) {
        String token = path.startsWith("/api/v1/admin") ? ADMIN_TOKEN : owner.apiKey();
        String nested = "{\"" + field + "\":" + "[".repeat(100) + "]".repeat(100) + "}";
        String nul =
                field.equals("steps") ? "{\"steps\":[{\"name\":\"a\\u0000b\"}]}" : "{\"" + field + "\":\"a\\u0000b\"}";
        List<Object[]> cases = List.of(
                new Object[] {"malformed", "application/json", "{\"" + field + "\":", 400},
                new Object[] {"not an object", "application/json", "\"text\"", 400},
                new Object[] {"wrong content type", "text/plain", "{}", 415},
                new Object[] {"form content type", "application/x-www-form-urlencoded", field + "=x", 415},
                new Object[] {"deep nesting", "application/json", nested, 400},
                new Object[] {
                    "oversized", "application/json", "{\"" + field + "\":\"" + "x".repeat(70 * 1024) + "\"}", 413
                },
                new Object[] {"NUL in text", "application/json", nul, 400},
                new Object[] {
                    "number for text",
                    "application/json",
                    field.equals("steps") ? "{\"steps\":[{\"name\":7}]}" : "{\"" + field + "\":7}",
                    400
                });
        for (Object[] bad : cases) {
            long before = writes();
            Reply reply = client.raw(
                    method, path, token, (String) bad[1], ((String) bad[2]).getBytes(StandardCharsets.UTF_8));
            assertThat(reply.status())
                    .as(name + " / " + bad[0] + ": " + reply.body())
                    .isEqualTo(bad[3]);
            assertThat(reply.contentType()).as(name + " / " + bad[0]).startsWith("application/json");
            assertThat(reply.message()).as(name + " / " + bad[0]).isNotBlank();
            assertThat(writes()).as(name + " / " + bad[0] + " wrote nothing").isEqualTo(before);
        }
    }

    @Test
    void valuesOfTheWrongJsonType_areRefused_notConverted() {
        String step = "/api/v1/agents/" + did + "/tasks/" + taskId + "/step/" + stepId;
        for (String body : List.of(
                "{\"cost\":\"5\"}",
                "{\"is_last\":0}",
                "{\"is_last\":\"true\"}",
                "{\"order\":\"3\"}",
                "{\"name\":7}",
                "{\"step_status\":1}")) {
            Reply reply =
                    client.raw("PUT", step, owner.apiKey(), "application/json", body.getBytes(StandardCharsets.UTF_8));
            assertThat(reply.status()).as(body).isEqualTo(400);
            assertThat(reply.message()).as(body).matches("`\\w+` must be .*");
        }
    }

    @Test
    void costsAndOrdersOutsideTheirRange_are400_soSumsCannotOverflow() {
        String steps = "/api/v1/agents/" + did + "/tasks/" + taskId + "/steps";
        String step = "/api/v1/agents/" + did + "/tasks/" + taskId + "/step/" + stepId;
        assertThat(client.post(steps, owner.apiKey(), "{\"steps\":[{\"cost\":9223372036854775807}]}")
                        .message())
                .contains("`cost` must be an integer from 0 to");
        assertThat(client.put(step, owner.apiKey(), "{\"cost\":1000000000001}").status())
                .isEqualTo(400);
        assertThat(client.post(steps, owner.apiKey(), "{\"steps\":[{\"order\":2147483647}]}")
                        .message())
                .contains("`order` must be an integer from 1 to");
    }

    @Test
    void oddCharactersInPathsAndQueries_areAnsweredWith4xxJson_neverA500() {
        for (String path : List.of(
                "/api/v1/agents/did%00x",
                "/api/v1/payments/service/token/x%00",
                "/api/v1/agents/" + did + "/tasks/t%00",
                "/api/v1/agents/" + did + "/tasks/t%00/steps",
                "/api/v1/agents/steps?dids=a%00",
                "/api/v1/agents/%F0%9F%98%80",
                "/api/v1/agents/steps?status=%00")) {
            Reply reply = client.get(path, owner.apiKey());
            assertThat(reply.status()).as(path + " " + reply.body()).isBetween(400, 499);
            assertThat(reply.message()).as(path).isNotBlank();
        }
        assertThat(client.delete("/api/v1/admin/keys/k%00", ADMIN_TOKEN).status())
                .isBetween(400, 499);
        Reply tooLong = client.get("/api/v1/agents/" + did + "/tasks/" + "t".repeat(10_000), owner.apiKey());
        // Which limit trips first depends on how the bytes arrive; Vert.x answers an oversized header
        // block itself (no body), an oversized request line through the hub's JSON handler.
        assertThat(tooLong.status()).isIn(414, 431);
        if (tooLong.status() == 414) {
            assertThat(tooLong.message()).contains("must be shorter");
        }
    }

    @Test
    void anOversizedBody_is413_andWritesNothing() {
        long before = writes();
        String huge = "{\"query\":\"" + "x".repeat(70 * 1024) + "\"}";

        Reply reply = client.raw(
                "POST",
                "/api/v1/agents/" + did + "/tasks",
                accessToken,
                "application/json",
                huge.getBytes(StandardCharsets.UTF_8));

        assertThat(reply.status()).isEqualTo(413);
        assertThat(reply.message()).contains("HUB_MAX_BODY_BYTES");
        assertThat(writes()).isEqualTo(before);
    }

    @Test
    void deeplyNestedJson_is400() {
        String deep = "{\"query\":\"q\",\"input_additional\":" + "{\"a\":".repeat(200) + "1" + "}".repeat(200) + "}";

        Reply reply = client.raw(
                "POST",
                "/api/v1/agents/" + did + "/tasks",
                accessToken,
                "application/json",
                deep.getBytes(StandardCharsets.UTF_8));

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.message()).contains("nests deeper than");
    }

    @Test
    void aNonJsonContentType_is415() {
        Reply reply = client.raw(
                "POST",
                "/api/v1/agents/" + did + "/tasks",
                accessToken,
                "text/plain",
                "query=q".getBytes(StandardCharsets.UTF_8));

        assertThat(reply.status()).isEqualTo(415);
        assertThat(reply.message()).contains("application/json");
    }

    @Test
    void unknownIdsAndPaths_are404_andWrongMethods405_allAsJson() {
        String missingTask = "/api/v1/agents/" + did + "/tasks/task-00000000-0000-4000-8000-000000000000";
        List<Reply> notFound = List.of(
                client.get(missingTask, owner.apiKey()),
                client.get(missingTask + "/steps", owner.apiKey()),
                client.put(
                        "/api/v1/agents/" + did + "/tasks/" + taskId
                                + "/step/step-00000000-0000-4000-8000-000000000000",
                        owner.apiKey(),
                        "{\"step_status\":\"Completed\"}"),
                client.post("/api/v1/agents/did:nv:" + "0".repeat(64) + "/tasks", owner.apiKey(), "{\"query\":\"q\"}"),
                client.get("/api/v1/nothing-here", owner.apiKey()));
        assertThat(notFound).allSatisfy(reply -> {
            assertThat(reply.status()).isEqualTo(404);
            assertThat(reply.message()).isNotBlank();
        });

        Reply wrongMethod = client.delete("/api/v1/agents/" + did + "/tasks", owner.apiKey());
        assertThat(wrongMethod.status()).isEqualTo(405);
        assertThat(wrongMethod.message()).contains("does not take DELETE");
    }

    @Test
    void badStatusFilters_are400_onEveryListing() {
        for (String path : List.of(
                "/api/v1/agents/steps?status=Nope",
                "/api/v1/agents?status=Nope",
                "/api/v1/agents/" + did + "/tasks/" + taskId + "/steps?status=pending")) {
            Reply reply = client.get(path, owner.apiKey());
            assertThat(reply.status()).as(path).isEqualTo(400);
            assertThat(reply.message()).as(path).contains("`status` must be one of");
        }
    }

    /** A fingerprint of everything the API can write. */
    private static long writes() {
        return count("""
                select (select count(*) from tasks) * 1000000 + (select count(*) from steps) * 1000
                     + (select count(*) from events) + (select coalesce(sum(cost), 0) from steps) * 7
                     + (select count(*) from agents) * 13
                     + (select count(*) from steps where step_status <> 'Pending') * 17
                """);
    }
}
