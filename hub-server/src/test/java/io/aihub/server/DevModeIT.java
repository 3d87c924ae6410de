package io.aihub.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.aihub.store.jdbc.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code java -jar hub.jar dev} as a CI job runs it: the one JSON line it prints drives the real TypeScript
 * SDK through a task ({@code sdk-tests/devmode.test.mjs}), and the jar's admin commands read that task.
 */
class DevModeIT {
    private static final Path OUTPUT = Path.of("target", "hub-dev.json").toAbsolutePath();

    @Test
    void thePrintedJson_drivesTheTypeScriptSdkThroughATask_andTheCliReadsIt() throws Exception {
        Files.deleteIfExists(OUTPUT);
        SdkTests.install();
        try (HubProcess hub = HubProcess.start(
                "hub-dev",
                TestDatabase.freshSchemaUrl(),
                null,
                new HubProcess.Options(List.of(), Map.of("HUB_DEV_OUTPUT", OUTPUT.toString()), 0, List.of("dev")))) {
            String line = hub.nextPrinted(Duration.ofSeconds(60));
            assertThat(line).as("dev's line on standard output").isNotNull();
            JsonNode dev = RawSocket.tree(line);
            TestSecrets.remember(dev.get("builder").get("api_key").asText());
            TestSecrets.remember(dev.get("user").get("api_key").asText());
            assertThat(Files.readString(OUTPUT, StandardCharsets.UTF_8)).isEqualTo(line + "\n");
            assertThat(dev.get("url").asText()).isEqualTo(hub.url());
            assertThat(dev.get("admin_token").asText()).isEqualTo(DevCommand.ADMIN_TOKEN);
            assertThat(hub.nextPrinted(Duration.ofMillis(200)))
                    .as("nothing else on standard output")
                    .isNull();

            assertThat(SdkTests.node(Map.of("HUB_DEV_OUTPUT", OUTPUT.toString()), "devmode.test.mjs"))
                    .as("node --test devmode.test.mjs exit code (output above)")
                    .isZero();

            String did = dev.get("agent").get("did").asText();
            Map<String, String> admin = Map.of(
                    "HUB_URL",
                    hub.url(),
                    "HUB_ADMIN_TOKEN",
                    dev.get("admin_token").asText());
            List<String> listed = new ArrayList<>();
            assertThat(jar(admin, listed, "tasks", "list", "--agent", did, "--status", "Completed", "--json"))
                    .isZero();
            JsonNode tasks = RawSocket.tree(String.join("\n", listed));
            assertThat(tasks.get("totalResults").asInt()).isEqualTo(1);
            assertThat(tasks.get("tasks").get(0).get("name").asText()).isEqualTo("from CI");

            List<String> misused = new ArrayList<>();
            assertThat(jar(admin, misused, "tasks", "list"))
                    .as("the jar's exit code on bad usage")
                    .isEqualTo(2);
            assertThat(misused).anyMatch(text -> text.contains("Missing required option: '--agent=<did>'"));
        }
    }

    /** Runs the jar's command line with this environment, collecting what it prints; returns its exit code. */
    private static int jar(Map<String, String> environment, List<String> printed, String... arguments)
            throws Exception {
        List<String> command = new ArrayList<>(
                List.of(ProcessHandle.current().info().command().orElse("java"), "-jar", HubProcess.JAR.toString()));
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(environment);
        Process process = builder.start();
        printed.addAll(process.inputReader(StandardCharsets.UTF_8).lines().toList());
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return process.exitValue();
    }
}
