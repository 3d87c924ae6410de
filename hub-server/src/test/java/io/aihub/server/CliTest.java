package io.aihub.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.aihub.server.HubClient.Account;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Every admin command of the jar's command line against a running hub, in text and in JSON, and misused. */
class CliTest extends HubTestBase {

    /** What a command printed, and its exit code. */
    record Run(int exit, String out, String err) {
        JsonNode json() {
            JsonNode parsed = RawSocket.tree(out.strip());
            rememberKeys(parsed);
            return parsed;
        }

        List<JsonNode> jsonLines() {
            List<JsonNode> lines = new ArrayList<>();
            for (String line : out.strip().split("\n")) {
                lines.add(RawSocket.tree(line));
            }
            return lines;
        }
    }

    private static Run hubCli(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--url", "http://127.0.0.1:" + hub.port(), "--admin-token", ADMIN_TOKEN));
        return bare(all.toArray(String[]::new));
    }

    private static Run bare(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    private static void rememberKeys(JsonNode node) {
        if (node.has("api_key")) {
            TestSecrets.remember(node.get("api_key").asText());
        }
    }

    @Test
    void accounts_areCreatedAndListed_inTextAndJson() {
        Run created = hubCli("accounts", "create", "--name", "cli-builder", "--json");
        assertThat(created.exit()).as(created.err()).isZero();
        JsonNode account = created.json();
        assertThat(account.get("name").asText()).isEqualTo("cli-builder");
        String address = account.get("address").asText();
        assertThat(client.get("/api/v1/agents", account.get("api_key").asText()).status())
                .as("the printed key works")
                .isEqualTo(200);

        Run text = hubCli("accounts", "create", "--name", "cli-text");
        assertThat(text.exit()).isZero();
        assertThat(text.out()).containsPattern("account 0x[0-9a-f]{40} \\(cli-text\\)\napi key key-\\S+: eyJ\\S+\n");
        TestSecrets.remember(text.out().replaceAll("(?s).*api key key-\\S+: (\\S+)\n.*", "$1"));

        Run listed = hubCli("accounts", "list");
        assertThat(listed.exit()).isZero();
        assertThat(listed.out()).startsWith("ADDRESS").contains(address + "  cli-builder");
        assertThat(hubCli("accounts", "list", "--json").json().get("accounts"))
                .anyMatch(node -> node.get("address").asText().equals(address));
    }

    @Test
    void keys_areIssuedListedAndRevoked_andARevokedKeyIsRefused() {
        Account account = client.account("cli-keys");
        Run issued = hubCli("keys", "issue", "--account", account.address(), "--json");
        assertThat(issued.exit()).as(issued.err()).isZero();
        String keyId = issued.json().get("key_id").asText();
        String apiKey = issued.json().get("api_key").asText();
        assertThat(client.get("/api/v1/agents", apiKey).status()).isEqualTo(200);

        Run listed = hubCli("keys", "list", "--account", account.address());
        assertThat(listed.out()).contains(account.keyId(), keyId).doesNotContain(apiKey);

        Run revoked = hubCli("keys", "revoke", keyId);
        assertThat(revoked.exit()).as(revoked.err()).isZero();
        assertThat(revoked.out()).startsWith("revoked " + keyId + " of " + account.address());
        assertThat(client.get("/api/v1/agents", apiKey).status()).isEqualTo(401);
        JsonNode keys = hubCli("keys", "list", "--account", account.address(), "--json")
                .json()
                .get("keys");
        assertThat(keys)
                .anyMatch(key -> key.get("key_id").asText().equals(keyId)
                        && !key.get("revokedAt").isNull());
    }

    @Test
    void anAgent_isCreatedForAnAccount_andIsThatAccounts() {
        Account owner = client.account("cli-agent-owner");
        Run created = hubCli(
                "agents", "create", "--account", owner.address(), "--name", "summariser", "--description", "sums");
        assertThat(created.exit()).as(created.err()).isZero();
        String did = created.out().replaceAll("(?s)agent (\\S+) .*", "$1");
        assertThat(created.out()).isEqualTo("agent " + did + " (summariser) owned by " + owner.address() + "\n");
        JsonNode agent = client.get("/api/v1/agents/" + did, owner.apiKey()).body();
        assertThat(agent.get("owner").asText()).isEqualTo(owner.address());
        assertThat(agent.get("description").asText()).isEqualTo("sums");
    }

    @Test
    void tasks_areListedByStatus_andShownWithTheirStepsAndLogs() throws Exception {
        Account builder = client.account("cli-tasks-builder");
        Account user = client.account("cli-tasks-user");
        String did = client.agent(builder);
        JsonNode first = client.task(user.apiKey(), did, "first");
        JsonNode second = client.task(user.apiKey(), did, "second");
        String taskId = first.get("task").get("task_id").asText();
        String stepId = first.get("steps").get(0).get("step_id").asText();
        log(builder, taskId, "thinking \u001b[31mred\u001b[0m \u202egnp.exe");
        assertThat(client.put(
                                "/api/v1/agents/" + did + "/tasks/" + taskId + "/step/" + stepId,
                                builder.apiKey(),
                                Map.of("step_status", "Completed", "output", "done", "cost", 3, "is_last", true))
                        .status())
                .isEqualTo(201);

        Run all = hubCli("tasks", "list", "--agent", did, "--json");
        assertThat(all.json().get("totalResults").asInt()).isEqualTo(2);
        Run completed = hubCli("tasks", "list", "--agent", did, "--status", "completed");
        assertThat(completed.exit()).as(completed.err()).isZero();
        assertThat(completed.out())
                .contains(taskId + "  Completed")
                .doesNotContain(second.get("task").get("task_id").asText())
                .endsWith("page 1, 1 of 1 task(s)\n");

        Run shown = hubCli("tasks", "show", "--agent", did, taskId);
        assertThat(shown.exit()).as(shown.err()).isZero();
        assertThat(shown.out())
                .contains("task " + taskId + "  Completed  cost 3")
                .contains("  query:  first", "  output: done")
                .contains(stepId + "  init")
                .contains("info    thinking \\u001b[31mred\\u001b[0m \\u202egnp.exe")
                .as("a tenant's escape sequences and reordering marks reach the terminal as text")
                .doesNotContain("\u001b", "\u202e");
        Run asJson = hubCli("tasks", "show", "--agent", did, taskId, "--json");
        assertThat(asJson.out()).as("JSON escapes all but ASCII").doesNotContain("\u001b", "\u202e");
        JsonNode json = asJson.json();
        assertThat(json.at("/logs/0/message").asText()).isEqualTo("thinking \u001b[31mred\u001b[0m \u202egnp.exe");
        assertThat(json.get("steps")).hasSize(1);
        assertThat(json.get("logs")).hasSize(1);
    }

    @Test
    void follow_printsEachLogOnce_inOrder_untilTheTaskEnds() throws Exception {
        Account builder = client.account("cli-follow-builder");
        Account user = client.account("cli-follow-user");
        String did = client.agent(builder);
        JsonNode created = client.task(user.apiKey(), did, "follow me");
        String taskId = created.get("task").get("task_id").asText();
        String stepId = created.get("steps").get(0).get("step_id").asText();
        log(builder, taskId, "before");

        CompletableFuture<Run> following = CompletableFuture.supplyAsync(
                () -> hubCli("tasks", "follow", "--agent", did, taskId, "--every", "50", "--json"));
        try (RawSocket socket = RawSocket.open(hub.port())) {
            socket.connect("Bearer " + builder.apiKey());
            socket.await("_connected");
            socket.emit("_join-tasks", Map.of("tasks", List.of(taskId), "history", false));
            socket.await("_join-tasks_");
            for (int i = 1; i <= 3; i++) {
                socket.emit("_task-log", Map.of("task_id", taskId, "step_id", stepId, "message", "line " + i));
                socket.await("task-log");
            }
        }
        assertThat(following).isNotDone();
        assertThat(client.put(
                                "/api/v1/agents/" + did + "/tasks/" + taskId + "/step/" + stepId,
                                builder.apiKey(),
                                Map.of("step_status", "Completed", "output", "followed", "is_last", true))
                        .status())
                .isEqualTo(201);

        Run run = following.get(20, TimeUnit.SECONDS);
        assertThat(run.exit()).as(run.err()).isZero();
        List<JsonNode> lines = run.jsonLines();
        assertThat(lines.subList(0, 4))
                .extracting(line -> line.get("message").asText())
                .containsExactly("before", "line 1", "line 2", "line 3");
        assertThat(lines).hasSize(5);
        assertThat(lines.get(4).get("task_status").asText()).isEqualTo("Completed");
        assertThat(lines.get(4).get("output").asText()).isEqualTo("followed");
    }

    @Test
    void misuse_getsAClearMessage_andANonZeroExit() {
        Run noAgent = hubCli("tasks", "list");
        assertThat(noAgent.exit()).isEqualTo(2);
        assertThat(noAgent.err()).contains("Missing required option: '--agent=<did>'");

        Run badStatus = hubCli("tasks", "list", "--agent", "did:nv:x", "--status", "Done");
        assertThat(badStatus.exit()).isEqualTo(2);
        assertThat(badStatus.err()).contains("Invalid value for option '--status'", "Completed");

        Run unknownAgent = hubCli("tasks", "list", "--agent", "did:nv:unknown");
        assertThat(unknownAgent.exit()).isEqualTo(1);
        assertThat(unknownAgent.err())
                .isEqualTo("error: agent 'did:nv:unknown' does not exist or is not yours (HTTP 404)\n");

        Account account = client.account("cli-misuse");
        String did = client.agent(account);
        Run unknownTask = hubCli("tasks", "show", "--agent", did, "task-nope");
        assertThat(unknownTask.exit()).isEqualTo(1);
        assertThat(unknownTask.err()).contains("task-nope", "HTTP 404");

        Run unknownAccount = hubCli("agents", "create", "--account", "0x" + "0".repeat(40), "--name", "n");
        assertThat(unknownAccount.exit()).isEqualTo(1);
        assertThat(unknownAccount.err()).contains("account", "HTTP 404");

        Run blankName = hubCli("accounts", "create", "--name", " ");
        assertThat(blankName.exit()).isEqualTo(1);
        assertThat(blankName.err()).contains("name", "HTTP 400");

        Run wrongToken = bare(
                "accounts", "list", "--url", "http://127.0.0.1:" + hub.port(), "--admin-token", "not-the-token-at-all");
        assertThat(wrongToken.exit()).isEqualTo(1);
        assertThat(wrongToken.err()).contains("HUB_ADMIN_TOKEN", "HTTP 401");

        Run noToken = bare("accounts", "list", "--url", "http://127.0.0.1:" + hub.port());
        assertThat(noToken.exit()).isEqualTo(2);
        assertThat(noToken.err()).startsWith("no admin token: set HUB_ADMIN_TOKEN (or pass --admin-token)");

        Run nobodyThere = bare("accounts", "list", "--url", "http://127.0.0.1:1", "--admin-token", ADMIN_TOKEN);
        assertThat(nobodyThere.exit()).isEqualTo(1);
        assertThat(nobodyThere.err())
                .isEqualTo("error: cannot reach the hub at http://127.0.0.1:1: connection refused (is it running?)\n");

        Run notAUrl = bare("accounts", "list", "--url", "localhost:3001", "--admin-token", ADMIN_TOKEN);
        assertThat(notAUrl.exit()).isEqualTo(2);
        assertThat(notAUrl.err()).contains("must be an http:// or https:// address");

        Account other = client.account("cli-misuse-other");
        String othersTask = client.task(other.apiKey(), client.agent(other), "not of this agent")
                .at("/task/task_id")
                .asText();
        Run crossed = hubCli("tasks", "show", "--agent", did, othersTask);
        assertThat(crossed.exit()).as("a task read through another agent's DID").isEqualTo(1);
        assertThat(crossed.err()).contains(othersTask, "HTTP 404");

        Run tooBig = hubCli("tasks", "list", "--agent", did, "--size", "1001");
        assertThat(tooBig.exit()).isEqualTo(2);
        assertThat(tooBig.err()).startsWith("--size must be between 1 and 1000, not 1001");

        Run withCredentials = bare(
                "accounts",
                "list",
                "--url",
                "http://admin:secret@127.0.0.1:" + hub.port(),
                "--admin-token",
                ADMIN_TOKEN);
        assertThat(withCredentials.exit()).isEqualTo(2);
        assertThat(withCredentials.err()).contains("must not carry credentials").doesNotContain("secret");

        Run unknownCommand = bare("acounts", "list");
        assertThat(unknownCommand.exit()).isEqualTo(2);
        assertThat(unknownCommand.err()).contains("Unmatched argument", "Did you mean: hub accounts");
    }

    private static void log(Account builder, String taskId, String message) throws Exception {
        RawSocket.logStored(hub.port(), builder.apiKey(), taskId, message);
    }
}
