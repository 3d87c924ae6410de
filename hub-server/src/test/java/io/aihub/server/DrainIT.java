package io.aihub.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.aihub.server.HubClient.Account;
import io.aihub.store.jdbc.TestDatabase;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** SIGTERM to the built jar: the drain an orchestrator or a load balancer relies on. */
class DrainIT {
    private static final String ADMIN_TOKEN = "drain-it-admin-token-0123456789";

    @Test
    void onSigterm_readyTurns503WhileThePortIsOpen_thenTheRequestInFlightIsAnswered_socketsAreToldWhy_andItExits()
            throws Exception {
        try (HubProcess hub = HubProcess.start(
                "drain",
                TestDatabase.freshSchemaUrl(),
                ADMIN_TOKEN,
                new HubProcess.Options(List.of(), Map.of("HUB_SHUTDOWN_SECONDS", "10"), 0))) {
            HubClient client = new HubClient(hub.url(), ADMIN_TOKEN);
            Account builder = client.account("drain-builder");
            Account user = client.account("drain-user");
            String did = client.agent(builder);
            assertThat(ready(hub).statusCode()).isEqualTo(200);
            try (RawSocket worker = RawSocket.worker(hub.port(), builder.apiKey(), did);
                    RawTcp inFlight = RawTcp.open(hub.port())) {
                String body = "{\"input_query\": \"sent across the drain\"}";
                int half = body.length() / 2;
                inFlight.write("POST /api/v1/agents/" + did + "/tasks HTTP/1.1\r\nHost: localhost\r\n"
                        + "Authorization: Bearer " + user.apiKey() + "\r\nContent-Type: application/json\r\n"
                        + "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n"
                        + body.substring(0, half));

                hub.terminate();

                HttpResponse<String> draining = awaitReady503(hub);
                assertThat(draining.body()).contains("draining");
                awaitRefused(hub);
                inFlight.write(body.substring(half));
                String answer = inFlight.readResponse(Duration.ofSeconds(10));
                assertThat(answer).as("the request in flight").startsWith("HTTP/1.1 201");
                worker.framesUntilClosed(Duration.ofSeconds(10));
                assertThat(worker.closedWith()).isEqualTo("1001 the hub is shutting down; reconnect");
            }

            assertThat(hub.awaitExit(Duration.ofSeconds(12)))
                    .as("exited within HUB_SHUTDOWN_SECONDS")
                    .isTrue();
            assertThat(hub.logged("draining, at most 10 s")).hasSize(1);
            assertThat(hub.logged("draining: requests finished")).hasSize(1);
            assertThat(hub.logged("stopped")).isNotEmpty();
        }
    }

    private static HttpResponse<String> ready(HubProcess hub) throws IOException, InterruptedException {
        try (HttpClient http = HttpClient.newHttpClient()) { // a new connection each time
            return http.send(
                    HttpRequest.newBuilder(URI.create(hub.url() + "/health/ready"))
                            .timeout(Duration.ofSeconds(5))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        }
    }

    private static HttpResponse<String> awaitReady503(HubProcess hub) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        while (System.nanoTime() < deadline) {
            HttpResponse<String> reply = ready(hub); // the port is still open: this must not be refused
            if (reply.statusCode() == 503) {
                return reply;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("/health/ready did not turn 503 within 2 s of SIGTERM");
    }

    private static void awaitRefused(HubProcess hub) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (System.nanoTime() < deadline) {
            try (Socket probe = new Socket("127.0.0.1", hub.port())) {
                Thread.sleep(50);
            } catch (ConnectException refused) {
                return;
            } catch (IOException other) {
                return; // reset while closing: not accepting either
            }
        }
        throw new AssertionError("the port still accepted connections 5 s after SIGTERM");
    }
}
