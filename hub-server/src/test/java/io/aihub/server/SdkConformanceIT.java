package io.aihub.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.aihub.store.jdbc.TestDatabase;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Real clients driving the built {@code hub.jar} as a separate process, the hub as operators run it:
 * the official TypeScript SDK ({@code @nevermined-io/payments}) and socket.io-client from npm
 * ({@code sdk-tests/}), and python-socketio as the Python SDK uses it ({@code sdk-tests/python/}).
 */
class SdkConformanceIT {
    private static final Path SDK_TESTS =
            Path.of("..", "sdk-tests").toAbsolutePath().normalize();
    private static final String ADMIN_TOKEN = "sdk-it-admin-token-0123456789";
    /** Debian's interpreter: python-socketio comes from apt (PyPI is not reachable here). */
    private static final String PYTHON = "/usr/bin/python3";

    private static HubProcess hub;
    private static String hubUrl;

    @BeforeAll
    static void startHubJar() throws Exception {
        assertThat(HubProcess.JAR)
                .as("the fat jar is built by `package` before integration tests")
                .exists();
        hub = HubProcess.start("hub.jar", TestDatabase.freshSchemaUrl(), ADMIN_TOKEN);
        hubUrl = hub.url();
        npm(List.of("ci", "--no-audit", "--no-fund"));
    }

    @AfterAll
    static void stopHubJar() throws Exception {
        if (hub != null) {
            hub.close();
        }
    }

    @Test
    void theTypeScriptSdk_drivesTheRestHalfOfTheProtocol() throws Exception {
        assertThat(node("rest.test.mjs"))
                .as("node --test rest.test.mjs exit code (output above)")
                .isZero();
    }

    @Test
    void theTypeScriptSdk_andSocketIoClient_driveTheRealtimeHalfOfTheProtocol() throws Exception {
        assertThat(node("realtime.test.mjs", "socketio.test.mjs"))
                .as("node --test realtime.test.mjs socketio.test.mjs exit code (output above)")
                .isZero();
    }

    @Test
    void pythonSocketIo_connectsAndReceivesEvents_asThePythonSdkUsesIt() throws Exception {
        ProcessBuilder builder =
                new ProcessBuilder(PYTHON, "python/socketio_conformance.py").directory(SDK_TESTS.toFile());
        builder.environment().putAll(Map.of("HUB_URL", hubUrl, "HUB_ADMIN_TOKEN", ADMIN_TOKEN));
        assertThat(run(builder, "[python] ", 5))
                .as("socketio_conformance.py exit code (output above; needs Debian's python3-socketio, "
                        + "python3-websocket and python3-requests, which .ci/run installs)")
                .isZero();
    }

    private static int node(String... testFiles) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("node", "--test", "--test-reporter=spec"));
        command.addAll(List.of(testFiles));
        ProcessBuilder builder = new ProcessBuilder(command).directory(SDK_TESTS.toFile());
        builder.environment().putAll(Map.of("HUB_URL", hubUrl, "HUB_ADMIN_TOKEN", ADMIN_TOKEN));
        return run(builder, "[node] ", 10);
    }

    /** Runs a process, relaying its output through System.out (which the test runner captures). */
    private static int run(ProcessBuilder builder, String prefix, int timeoutMinutes)
            throws IOException, InterruptedException {
        Process process = builder.redirectErrorStream(true).start();
        Thread relay = Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader output = process.inputReader(StandardCharsets.UTF_8)) {
                output.lines().forEach(line -> System.out.println(prefix + line));
            } catch (IOException e) {
                System.out.println(prefix + "(output lost: " + e + ")");
            }
        });
        if (!process.waitFor(timeoutMinutes, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError(
                    String.join(" ", builder.command()) + " did not finish in " + timeoutMinutes + " min");
        }
        relay.join(5_000);
        return process.exitValue();
    }

    /** Installs exactly what {@code package-lock.json} names (a few seconds; npm caches the downloads). */
    private static void npm(List<String> arguments) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("npm"));
        command.addAll(arguments);
        assertThat(run(new ProcessBuilder(command).directory(SDK_TESTS.toFile()), "[npm] ", 5))
                .as("npm " + arguments + " exit code")
                .isZero();
    }
}
