package io.aihub.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The {@code sdk-tests/} folder: its npm install, and the node test files in it run against a hub. */
final class SdkTests {
    static final Path DIRECTORY = Path.of("..", "sdk-tests").toAbsolutePath().normalize();

    private static boolean installed;

    private SdkTests() {}

    /** Installs exactly what {@code package-lock.json} names, once per test run (npm caches the downloads). */
    static synchronized void install() throws IOException, InterruptedException {
        if (!installed) {
            assertThat(run(
                            new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund").directory(DIRECTORY.toFile()),
                            "[npm] ",
                            5))
                    .as("npm ci exit code")
                    .isZero();
            installed = true;
        }
    }

    /** Runs these test files with {@code node --test} and this environment; returns node's exit code. */
    static int node(Map<String, String> environment, String... testFiles) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("node", "--test", "--test-reporter=spec"));
        command.addAll(List.of(testFiles));
        ProcessBuilder builder = new ProcessBuilder(command).directory(DIRECTORY.toFile());
        builder.environment().putAll(environment);
        return run(builder, "[node] ", 10);
    }

    /** Runs a process, relaying its output through System.out (which the test runner captures). */
    static int run(ProcessBuilder builder, String prefix, int timeoutMinutes) throws IOException, InterruptedException {
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
}
