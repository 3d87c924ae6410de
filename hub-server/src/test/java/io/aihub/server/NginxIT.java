package io.aihub.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.aihub.server.HubClient.Account;
import io.aihub.store.jdbc.TestDatabase;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The nginx example of the scaling guide ({@code docs/nginx/aihub.conf}), run as written in front of two
 * hub jars on one database, when nginx is installed ({@code .ci/run} installs it): REST and Socket.IO pass
 * through it, requests reach both nodes, events cross from node to node, and when one node drains the
 * other takes everything.
 */
class NginxIT {
    private static final Path EXAMPLE = Path.of("..", "docs", "nginx", "aihub.conf");
    private static final String ADMIN_TOKEN = "nginx-it-admin-token-0123456789";

    @Test
    void twoNodesBehindTheExample_shareTheWork_andOneDrainingLeavesTheOtherServingAll() throws Exception {
        Path nginx = nginxBinary();
        assumeTrue(nginx != null, "nginx is not installed (apt-get install nginx-light)");
        String database = TestDatabase.freshSchemaUrl();
        Path prefix = Files.createDirectories(Path.of("target", "nginx-it").toAbsolutePath());
        int port = freePort();
        try (HubProcess a = HubProcess.start("lb-a", database, ADMIN_TOKEN);
                HubProcess b = HubProcess.start("lb-b", database, ADMIN_TOKEN)) {
            Process proxy = startNginx(nginx, prefix, port, a.port(), b.port());
            try {
                HubClient viaProxy = new HubClient("http://127.0.0.1:" + port, ADMIN_TOKEN);
                Account builder = viaProxy.account("lb-builder");
                Account user = viaProxy.account("lb-user");
                String did = viaProxy.agent(builder);

                try (RawSocket worker = RawSocket.worker(port, builder.apiKey(), did)) {
                    Set<String> created = new HashSet<>();
                    for (int i = 0; i < 6; i++) {
                        created.add(viaProxy.task(user.apiKey(), did, "through nginx " + i)
                                .at("/task/task_id")
                                .asText());
                    }
                    Set<String> dispatched = new HashSet<>();
                    for (int i = 0; i < 6; i++) {
                        dispatched.add(worker.await("step-updated")
                                .payload()
                                .get("task_id")
                                .asText());
                    }
                    assertThat(dispatched).isEqualTo(created);
                }
                String creation = "POST /api/v1/agents/:did/tasks 201";
                assertThat(a.logged(creation))
                        .as("tasks created through node A")
                        .isNotEmpty();
                assertThat(b.logged(creation))
                        .as("tasks created through node B")
                        .isNotEmpty();

                AtomicBoolean draining = new AtomicBoolean(true);
                List<Integer> duringTheDrain = new CopyOnWriteArrayList<>();
                Thread traffic = Thread.ofVirtual().start(() -> {
                    while (draining.get()) {
                        duringTheDrain.add(viaProxy.post(
                                        "/api/v1/agents/" + did + "/tasks",
                                        user.apiKey(),
                                        Map.of("query", "during the drain"))
                                .status());
                    }
                });
                a.terminate();
                assertThat(a.awaitExit(Duration.ofSeconds(15))).isTrue();
                draining.set(false);
                traffic.join();
                assertThat(duringTheDrain)
                        .as("creations sent through nginx while node A drained")
                        .hasSizeGreaterThan(10)
                        .containsOnly(201);
                try (RawSocket worker = RawSocket.worker(port, builder.apiKey(), did)) {
                    List<String> created = new ArrayList<>();
                    for (int i = 0; i < 4; i++) {
                        created.add(viaProxy.task(user.apiKey(), did, "after A left " + i)
                                .at("/task/task_id")
                                .asText());
                    }
                    List<String> dispatched = new ArrayList<>();
                    for (int i = 0; i < 4; i++) {
                        dispatched.add(worker.await("step-updated")
                                .payload()
                                .get("task_id")
                                .asText());
                    }
                    assertThat(dispatched).containsExactlyInAnyOrderElementsOf(created);
                }
            } finally {
                proxy.destroy();
                proxy.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** Runs nginx in the foreground with the example inside a minimal main configuration of its own. */
    private static Process startNginx(Path nginx, Path prefix, int port, int nodeA, int nodeB) throws Exception {
        String example = Files.readString(EXAMPLE, StandardCharsets.UTF_8)
                .replace("server 127.0.0.1:3001 ", "server 127.0.0.1:" + nodeA + " ")
                .replace("server 127.0.0.1:3002 ", "server 127.0.0.1:" + nodeB + " ")
                .replace("listen 8080;", "listen 127.0.0.1:" + port + ";");
        assertThat(example).as("the example's ports were found").contains(":" + nodeA, ":" + nodeB, ":" + port);
        Files.writeString(prefix.resolve("aihub.conf"), example, StandardCharsets.UTF_8);
        Files.writeString(prefix.resolve("nginx.conf"), """
                daemon off;
                master_process off;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log warn;
                events { worker_connections 256; }
                http {
                    access_log %1$s/access.log;
                    client_body_temp_path %1$s/body;
                    proxy_temp_path %1$s/proxy;
                    fastcgi_temp_path %1$s/fastcgi;
                    uwsgi_temp_path %1$s/uwsgi;
                    scgi_temp_path %1$s/scgi;
                    include %1$s/aihub.conf;
                }
                """.formatted(prefix), StandardCharsets.UTF_8);
        Process process = new ProcessBuilder(
                        nginx.toString(),
                        "-p",
                        prefix.toString(),
                        "-c",
                        prefix.resolve("nginx.conf").toString())
                .redirectErrorStream(true)
                .redirectOutput(prefix.resolve("stdout.log").toFile())
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!answers(port)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("nginx did not start: " + Files.readString(prefix.resolve("stdout.log"))
                        + Files.readString(prefix.resolve("error.log")));
            }
            Thread.sleep(50);
        }
        return process;
    }

    private static boolean answers(int port) {
        try (var socket = new java.net.Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static Path nginxBinary() {
        for (String candidate : List.of("/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/bin/nginx")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return Path.of(candidate);
            }
        }
        return null;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
