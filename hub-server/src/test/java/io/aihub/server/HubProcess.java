package io.aihub.server;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The built {@code hub.jar} running as its own process, as operators run it: started on a free port
 * with a given database, its log relayed to the test output, and killable like a crashed node.
 */
final class HubProcess implements AutoCloseable {
    static final Path JAR = Path.of("target", "hub.jar");

    /**
     * How to run it besides the defaults.
     *
     * @param jvmOptions  options before {@code -jar}, such as {@code -Xmx256m}
     * @param environment more {@code HUB_*} variables
     * @param openFiles   the process's open-files limit ({@code ulimit -n}), or 0 to inherit the test's
     * @param arguments   the command and its arguments after the jar ({@code dev}); none runs {@code serve}
     */
    record Options(List<String> jvmOptions, Map<String, String> environment, int openFiles, List<String> arguments) {
        static final Options DEFAULTS = new Options(List.of(), Map.of(), 0);

        Options(List<String> jvmOptions, Map<String, String> environment, int openFiles) {
            this(jvmOptions, environment, openFiles, List.of());
        }
    }

    private final String name;
    private final int port;
    private final Map<String, String> environment;
    private final Options options;
    private final List<String> logLines = new CopyOnWriteArrayList<>();
    private final BlockingQueue<String> printed = new LinkedBlockingQueue<>();
    private Process process;
    private Thread logReader;

    private HubProcess(String name, int port, Map<String, String> environment, Options options) {
        this.name = name;
        this.port = port;
        this.environment = environment;
        this.options = options;
    }

    /** Starts a hub on a free port and returns once it listens; a null admin token leaves HUB_ADMIN_TOKEN unset. */
    static HubProcess start(String name, String databaseUrl, String adminToken) throws Exception {
        return start(name, databaseUrl, adminToken, Options.DEFAULTS);
    }

    static HubProcess start(String name, String databaseUrl, String adminToken, Options options) throws Exception {
        int port = freePort();
        Map<String, String> environment = new HashMap<>(options.environment());
        environment.putIfAbsent("HUB_SHUTDOWN_SECONDS", "3"); // tests stop hubs often: drain briefly
        environment.putIfAbsent("HUB_METRICS_PORT", "0"); // several hubs on one machine
        environment.putAll(Map.of(
                "HUB_PORT",
                Integer.toString(port),
                "HUB_PUBLIC_URL",
                "http://localhost:" + port,
                "HUB_DATABASE_URL",
                databaseUrl));
        if (adminToken != null) {
            environment.put("HUB_ADMIN_TOKEN", adminToken);
            TestSecrets.remember(adminToken);
        }
        HubProcess hub = new HubProcess(name, port, environment, options);
        hub.launch();
        return hub;
    }

    /** The process's resident memory now, in MiB (from /proc). */
    double residentMiB() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
            }
        }
        throw new IllegalStateException("no VmRSS for process " + process.pid());
    }

    /** The next line it printed on standard output (where its log is not), or null if none came in time. */
    String nextPrinted(Duration timeout) throws InterruptedException {
        return printed.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The lines it has logged so far (on standard error) that contain {@code text}. */
    List<String> logged(String text) {
        return logLines.stream().filter(line -> line.contains(text)).toList();
    }

    /** The lines that contain {@code text}, once at least one has been logged, or none after {@code timeout}. */
    List<String> awaitLogged(String text, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> found = logged(text);
        while (found.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
            found = logged(text);
        }
        return found;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    String url() {
        return "http://localhost:" + port;
    }

    int port() {
        return port;
    }

    /**
     * Asks it to stop, as {@code docker stop} or Kubernetes do (SIGTERM), and returns at once. Through
     * its handle: {@code Process.destroy()} would also close the pipe its last log lines come through.
     */
    void terminate() {
        process.toHandle().destroy();
    }

    /** Waits for it to exit, and for its last log lines to be read; true if it exited within the timeout. */
    boolean awaitExit(Duration timeout) throws InterruptedException {
        boolean exited = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (exited) {
            logReader.join(Duration.ofSeconds(5));
        }
        return exited;
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
        List<String> command = new ArrayList<>();
        if (options.openFiles() > 0) { // the shell sets the limit, then becomes the hub (same process)
            command.addAll(List.of("bash", "-c", "ulimit -n " + options.openFiles() + " && exec \"$@\"", "hub"));
        }
        command.add(javaBinary());
        command.addAll(options.jvmOptions());
        command.addAll(List.of("-jar", JAR.toString()));
        command.addAll(options.arguments());
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(environment);
        process = builder.start();
        Process started = process;
        CompletableFuture<Void> listening = new CompletableFuture<>();
        logReader = Thread.ofPlatform().daemon().name(name + "-log").start(() -> relay(started, listening));
        Thread.ofPlatform().daemon().name(name + "-stdout").start(() -> collectPrinted(started));
        listening.get(90, TimeUnit.SECONDS);
    }

    private void relay(Process started, CompletableFuture<Void> listening) {
        try (BufferedReader log =
                new BufferedReader(new InputStreamReader(started.getErrorStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = log.readLine()) != null) {
                System.out.println("[" + name + "] " + line);
                logLines.add(line);
                TestSecrets.logged(name, line);
                if (line.contains("AI Hub listening on port")) {
                    listening.complete(null);
                }
            }
            listening.completeExceptionally(new AssertionError(name + " exited with " + started.waitFor()));
        } catch (IOException | InterruptedException e) {
            listening.completeExceptionally(e);
        }
    }

    /** Keeps what it prints on standard output: not a log, so neither relayed nor scanned for secrets. */
    private void collectPrinted(Process started) {
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(started.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                printed.add(line);
            }
        } catch (IOException e) {
            // the process is gone
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
