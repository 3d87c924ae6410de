package io.aihub.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.aihub.protocol.Paging;
import io.aihub.protocol.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/** {@code hub tasks list|show|follow}: an agent's tasks, as its owner sees them. */
@Command(name = "tasks", description = "List an agent's tasks, show one, follow its logs.")
public final class TasksCommand {
    @Command(name = "list", description = "List an agent's tasks, newest first.")
    int list(
            @Mixin HubOptions hub,
            @Option(names = "--agent", required = true, description = "The agent's DID.") String did,
            @Option(names = "--status", description = "Only tasks in this status: ${COMPLETION-CANDIDATES}.")
                    Status status,
            @Option(names = "--page", defaultValue = "1", description = "Page, from 1 (default ${DEFAULT-VALUE}).")
                    int page,
            @Option(names = "--size", defaultValue = "20", description = "Tasks per page (default ${DEFAULT-VALUE}).")
                    int size) {
        if (page < 1) {
            throw new ParameterException(hub.command.commandLine(), "--page must be 1 or more, not " + page);
        }
        if (size < 1 || size > Paging.MAX_SIZE) {
            throw new ParameterException(
                    hub.command.commandLine(), "--size must be between 1 and " + Paging.MAX_SIZE + ", not " + size);
        }
        String query = "?page=" + page + "&offset=" + size + (status == null ? "" : "&status=" + status.wire());
        JsonNode listed = hub.client().get(agentPath(did) + "/tasks" + query);
        if (hub.json()) {
            hub.printJson(listed);
            return 0;
        }
        Table table = new Table("TASK", "STATUS", "NAME", "COST", "CREATED");
        for (JsonNode task : listed.path("tasks")) {
            table.row(
                    task.path("task_id").asText(),
                    task.path("task_status").asText(),
                    task.path("name").asText(""),
                    task.path("cost").asText("0"),
                    task.path("createdAt").asText());
        }
        table.print(hub);
        hub.print("page " + page + ", " + listed.path("tasks").size() + " of "
                + listed.path("totalResults").asLong() + " task(s)");
        return 0;
    }

    @Command(name = "show", description = "Show a task with its steps and logs.")
    int show(
            @Mixin HubOptions hub,
            @Option(names = "--agent", required = true, description = "The agent's DID.") String did,
            @Parameters(paramLabel = "TASK_ID", description = "The task's id (task-...).") String taskId) {
        JsonNode shown = hub.client().get(taskPath(did, taskId));
        if (hub.json()) {
            hub.printJson(shown);
            return 0;
        }
        JsonNode task = shown.path("task");
        hub.print("task " + task.path("task_id").asText() + "  "
                + task.path("task_status").asText() + "  cost "
                + task.path("cost").asText("0") + "  created "
                + task.path("createdAt").asText() + "  updated "
                + task.path("updatedAt").asText());
        hub.print("  name:   " + task.path("name").asText(""));
        hub.print("  query:  " + task.path("input_query").asText(""));
        hub.print("  output: " + task.path("output").asText(""));
        hub.print("");
        Table steps = new Table("ORDER", "STEP", "NAME", "STATUS", "PREDECESSOR", "RETRIES", "COST", "OUTPUT");
        for (JsonNode step : shown.path("steps")) {
            steps.row(
                    step.path("order").asText(""),
                    step.path("step_id").asText(),
                    step.path("name").asText(""),
                    step.path("step_status").asText(),
                    step.path("predecessor").asText("-"),
                    step.path("retries").asText("0"),
                    step.path("cost").asText("0"),
                    (step.path("output").asText("")));
        }
        steps.print(hub);
        hub.print("");
        for (JsonNode log : shown.path("logs")) {
            hub.print(logLine(log));
        }
        return 0;
    }

    @Command(
            name = "follow",
            description = "Print a task's logs as they arrive, until it ends; then its status and output.")
    int follow(
            @Mixin HubOptions hub,
            @Option(names = "--agent", required = true, description = "The agent's DID.") String did,
            @Option(
                            names = "--every",
                            defaultValue = "500",
                            description = "Milliseconds between two looks (default ${DEFAULT-VALUE}).")
                    long everyMillis,
            @Parameters(paramLabel = "TASK_ID", description = "The task's id (task-...).") String taskId)
            throws InterruptedException {
        AdminClient client = hub.client();
        Set<String> printed = new HashSet<>();
        while (true) {
            JsonNode shown = client.get(taskPath(did, taskId));
            List<JsonNode> fresh = new ArrayList<>();
            for (JsonNode log : shown.path("logs")) {
                if (printed.add(log.path("tl_id").asText())) {
                    fresh.add(log);
                }
            }
            for (JsonNode log : fresh) {
                if (hub.json()) {
                    hub.printJson(log);
                } else {
                    hub.print(logLine(log));
                }
            }
            JsonNode task = shown.path("task");
            if (Status.valueOf(task.path("task_status").asText()).isTerminal()) {
                if (hub.json()) {
                    hub.printJson(task);
                } else {
                    hub.print("task " + task.path("task_id").asText() + " "
                            + task.path("task_status").asText() + ": "
                            + (task.path("output").asText("")));
                }
                return 0;
            }
            Thread.sleep(Duration.ofMillis(Math.max(50, everyMillis)));
        }
    }

    private static String agentPath(String did) {
        return "/api/v1/admin/agents/" + AdminClient.encoded(did);
    }

    private static String taskPath(String did, String taskId) {
        return agentPath(did) + "/tasks/" + AdminClient.encoded(taskId);
    }

    private static String logLine(JsonNode log) {
        String step = log.path("step_id").asText("");
        return log.path("createdAt").asText() + " "
                + String.format("%-7s", log.path("level").asText("info")) + " "
                + (step.isEmpty() ? "" : "[" + step + "] ")
                + (log.path("message").asText(""));
    }
}
