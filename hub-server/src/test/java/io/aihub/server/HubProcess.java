package io.aihub.server;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The built {@code hub.jar} running as its own process, as operators run it: started on a free port
 * with a given database, its log relayed to the test output, and killable like a crashed node.
 */
final class HubProcess implements AutoCloseable {
    static final Path JAR = Path.of("target", "hub.jar");

    private final String name;
    private final int port;
    private final Map<String, String> environment;
    private Process process;

    private HubProcess(String name, int port, Map<String, String> environment) {
        this.name = name;
        this.port = port;
        this.environment = environment;
    }

    /** Starts a hub on a free port and returns once it listens. */
    static HubProcess start(String name, String databaseUrl, String adminToken) throws Exception {
        int port = freePort();
        HubProcess hub = new HubProcess(
                name,
                port,
                Map.of(
                        "HUB_PORT",
                        Integer.toString(port),
                        "HUB_PUBLIC_URL",
                        "http://localhost:" + port,
                        "HUB_ADMIN_TOKEN",
                        adminToken,
                        "HUB_DATABASE_URL",
                        databaseUrl));
        hub.launch();
        return hub;
    }

    String url() {
        return "http://localhost:" + port;
    }

    int port() {
        return port;
    }

    /** Kills the process the way a crash does (SIGKILL): no shutdown hook runs. */
    void killHard() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(20, TimeUnit.SECONDS);
    }

    /** Starts it again on the same port and database. */
    void restart() throws Exception {
        launch();
    }

    private void launch() throws Exception {
        ProcessBuilder builder = new ProcessBuilder(javaBinary(), "-jar", JAR.toString()).redirectErrorStream(true);
        builder.environment().putAll(environment);
        process = builder.start();
        Process started = process;
        CompletableFuture<Void> listening = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name(name + "-log").start(() -> relay(started, listening));
        listening.get(90, TimeUnit.SECONDS);
    }

    private void relay(Process started, CompletableFuture<Void> listening) {
        try (BufferedReader log =
                new BufferedReader(new InputStreamReader(started.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = log.readLine()) != null) {
                System.out.println("[" + name + "] " + line);
                if (line.contains("AI Hub listening on port")) {
                    listening.complete(null);
                }
            }
            listening.completeExceptionally(new AssertionError(name + " exited with " + started.waitFor()));
        } catch (IOException | InterruptedException e) {
            listening.completeExceptionally(e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    private static String javaBinary() {
        return ProcessHandle.current()
                .info()
                .command()
                .orElse(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
