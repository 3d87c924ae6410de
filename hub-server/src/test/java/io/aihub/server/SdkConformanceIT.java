package io.aihub.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.aihub.store.TestDatabase;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
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
    private static final Path JAR = Path.of("target", "hub.jar");
    private static final Path SDK_TESTS = Path.of("..", "sdk-tests").toAbsolutePath().normalize();
    private static final String ADMIN_TOKEN = "sdk-it-admin-token-0123456789";
    /** Debian's interpreter: python-socketio comes from apt (PyPI is not reachable here). */
    private static final String PYTHON = "/usr/bin/python3";

    private static Process hub;
    private static String hubUrl;

    @BeforeAll
    static void startHubJar() throws Exception {
        assertThat(JAR).as("the fat jar is built by `package` before integration tests").exists();
        int port = freePort();
        hubUrl = "http://localhost:" + port;
        ProcessBuilder builder = new ProcessBuilder(javaBinary(), "-jar", JAR.toString())
                .redirectErrorStream(true);
        builder.environment().putAll(Map.of(
                "HUB_PORT", Integer.toString(port),
                "HUB_PUBLIC_URL", hubUrl,
                "HUB_ADMIN_TOKEN", ADMIN_TOKEN,
                "HUB_DATABASE_URL", TestDatabase.freshSchemaUrl()));
        hub = builder.start();
        CompletableFuture<Void> listening = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("hub-jar-log").start(() -> relayLog(listening));
        listening.get(90, TimeUnit.SECONDS);
        npm(List.of("ci", "--no-audit", "--no-fund"));
    }

    @AfterAll
    static void stopHubJar() throws Exception {
        if (hub != null) {
            hub.destroy();
            hub.waitFor(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void theTypeScriptSdk_drivesTheRestHalfOfTheProtocol() throws Exception {
        assertThat(node("rest.test.mjs")).as("node --test rest.test.mjs exit code (output above)").isZero();
    }

    @Test
    void pythonSocketIo_connectsAndReceivesEvents_asThePythonSdkUsesIt() throws Exception {
        ProcessBuilder builder = new ProcessBuilder(PYTHON, "python/socketio_conformance.py").directory(SDK_TESTS.toFile());
        builder.environment().putAll(Map.of("HUB_URL", hubUrl, "HUB_ADMIN_TOKEN", ADMIN_TOKEN));
        assertThat(run(builder, "[python] ", 5))
                .as("socketio_conformance.py exit code (output above; needs Debian's python3-socketio, "
                        + "python3-websocket and python3-requests, which .ci/run installs)")
                .isZero();
    }

    private static int node(String testFile) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder("node", "--test", "--test-reporter=spec", testFile)
                .directory(SDK_TESTS.toFile());
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
            throw new AssertionError(String.join(" ", builder.command()) + " did not finish in " + timeoutMinutes + " min");
        }
        relay.join(5_000);
        return process.exitValue();
    }

    private static void npm(List<String> arguments) throws IOException, InterruptedException {
        if (Files.isDirectory(SDK_TESTS.resolve("node_modules/@nevermined-io/payments"))) {
            return;
        }
        List<String> command = new java.util.ArrayList<>(List.of("npm"));
        command.addAll(arguments);
        assertThat(run(new ProcessBuilder(command).directory(SDK_TESTS.toFile()), "[npm] ", 5))
                .as("npm " + arguments + " exit code").isZero();
    }

    private static void relayLog(CompletableFuture<Void> listening) {
        try (BufferedReader log = new BufferedReader(new InputStreamReader(hub.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = log.readLine()) != null) {
                System.out.println("[hub.jar] " + line);
                if (line.contains("AI Hub listening on port")) {
                    listening.complete(null);
                }
            }
            listening.completeExceptionally(new AssertionError("hub.jar exited with " + hub.waitFor()));
        } catch (IOException | InterruptedException e) {
            listening.completeExceptionally(e);
        }
    }

    private static String javaBinary() {
        return ProcessHandle.current().info().command()
                .orElse(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
