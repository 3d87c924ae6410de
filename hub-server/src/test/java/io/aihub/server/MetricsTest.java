package io.aihub.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.aihub.server.HubClient.Account;
import io.aihub.server.json.HubJson;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code /metrics} after a scripted lifecycle, read with Prometheus's own text parser (the Python client's,
 * as Debian ships it): it parses, and the hub's counters moved by what the lifecycle did.
 */
class MetricsTest extends HubTestBase {
    private static final String TASKS = "/api/v1/agents/:did/tasks";
    private static final String STEP = "/api/v1/agents/:did/tasks/:taskId/step/:stepId";

    @Test
    void afterOneLifecycle_theMetricsParse_andTheHubsCountersMovedByWhatItDid() throws Exception {
        Agent agent = Agent.named("metrics");
        Account builder = agent.builder();
        Account user = agent.user();
        String did = agent.did();
        Map<String, Double> before = scrape();

        try (RawSocket worker = RawSocket.worker(hub.port(), builder.apiKey(), did)) {
            JsonNode created = client.task(user.apiKey(), did, "measure me");
            String taskId = created.at("/task/task_id").asText();
            String stepId = created.at("/steps/0/step_id").asText();
            worker.await("step-updated");
            client.put(
                    "/api/v1/agents/" + did + "/tasks/" + taskId + "/step/" + stepId,
                    builder.apiKey(),
                    Map.of("step_status", "Completed", "output", "done", "is_last", true));
            Map<String, Double> after = awaitScrape(
                    scraped -> delta(before, scraped, "hub_events_appended_total{event=task-updated}") >= 1);

            assertThat(delta(
                            before,
                            after,
                            "hub_http_requests_seconds_count{method=POST,route=" + TASKS + ",status=201}"))
                    .isEqualTo(1);
            assertThat(delta(
                            before, after, "hub_http_requests_seconds_count{method=PUT,route=" + STEP + ",status=201}"))
                    .isEqualTo(1);
            assertThat(delta(before, after, "hub_events_appended_total{event=step-updated}"))
                    .isEqualTo(1);
            assertThat(delta(before, after, "hub_events_appended_total{event=task-updated}"))
                    .isEqualTo(1);
            assertThat(delta(before, after, "hub_events_delivered_total{event=step-updated}"))
                    .as("to the one worker")
                    .isEqualTo(1);
            assertThat(delta(before, after, "hub_event_delivery_lag_seconds_count"))
                    .isGreaterThanOrEqualTo(1);
            assertThat(delta(before, after, "hub_batch_requests_total{writer=hub-lifecycle-writes}"))
                    .as("the creation and the update")
                    .isEqualTo(2);
            assertThat(after.get("hub_sockets_open")).isEqualTo(1);
            assertThat(after.get("hub_socket_rooms{kind=agent}")).isEqualTo(1);
            assertThat(after.get("hub_outbox_backlog")).isNotNull();
            assertThat(after)
                    .containsKeys("hikaricp_connections{pool=hub-db}", "hub_steps_rescued_total{outcome=failed}");
            assertThat(after.keySet()).anyMatch(name -> name.startsWith("jvm_memory_used_bytes{"));
            assertThat(after.keySet()).anyMatch(name -> name.startsWith("cache_gets_total{cache=verified_tokens"));
        }
    }

    /**
     * A lifecycle request whose key was looked up a moment ago starts without asking the key cache (its
     * owner is known, so it starts on the event loop); one with a body over 8 KiB asks it on a worker.
     */
    @Test
    void aRequestWhoseKeyIsKnownActive_asksTheKeyCacheNothing() throws Exception {
        Agent agent = Agent.named("known-key");
        Map<String, Double> before = scrape();

        String key = agent.user().apiKey();
        client.task(key, agent.did(), "looked up: the key cache misses and remembers the key");
        client.task(key, agent.did(), "known: nothing asked");
        client.task(key, agent.did(), "x".repeat(9 * 1024)); // too large for the event loop: asked, a hit
        Map<String, Double> after = scrape();

        assertThat(delta(before, after, "cache_gets_total{cache=active_keys,result=miss}"))
                .isEqualTo(1);
        assertThat(delta(before, after, "cache_gets_total{cache=active_keys,result=hit}"))
                .isEqualTo(1);
    }

    /** A builder's agent, and a user to submit tasks to it. */
    private record Agent(Account builder, Account user, String did) {
        static Agent named(String prefix) {
            Account builder = client.account(prefix + "-builder");
            return new Agent(builder, client.account(prefix + "-user"), client.agent(builder));
        }
    }

    /** The samples of one scrape, by name and sorted labels: {@code name{a=x,b=y}}. */
    private static Map<String, Double> scrape() throws Exception {
        String text;
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> reply = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + hub.metricsPort() + "/metrics"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(reply.statusCode()).isEqualTo(200);
            assertThat(reply.headers().firstValue("Content-Type"))
                    .hasValueSatisfying(type -> assertThat(type).startsWith("text/plain; version=0.0.4"));
            text = reply.body();
        }
        return parse(text);
    }

    private static Map<String, Double> parse(String text) throws Exception {
        Path script =
                Path.of(MetricsTest.class.getResource("/prometheus_samples.py").toURI());
        Process parser = new ProcessBuilder("/usr/bin/python3", script.toString()).start();
        try (OutputStream in = parser.getOutputStream()) {
            in.write(text.getBytes(StandardCharsets.UTF_8));
        }
        String out;
        String err;
        try (InputStream stdout = parser.getInputStream();
                InputStream stderr = parser.getErrorStream()) {
            out = new String(stdout.readAllBytes(), StandardCharsets.UTF_8);
            err = new String(stderr.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(parser.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(parser.exitValue()).as("the parser refused the text: " + err).isZero();
        Map<String, Double> samples = new HashMap<>();
        for (String line : out.lines().toList()) {
            JsonNode sample = HubJson.MAPPER.readTree(line);
            Map<String, String> labels = new TreeMap<>();
            sample.get("labels")
                    .properties()
                    .forEach(
                            label -> labels.put(label.getKey(), label.getValue().asText()));
            String key = sample.get("name").asText()
                    + (labels.isEmpty()
                            ? ""
                            : labels.entrySet().stream()
                                    .map(label -> label.getKey() + "=" + label.getValue())
                                    .collect(java.util.stream.Collectors.joining(",", "{", "}")));
            samples.put(key, sample.get("value").asDouble());
        }
        return samples;
    }

    private static Map<String, Double> awaitScrape(java.util.function.Predicate<Map<String, Double>> done)
            throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            Map<String, Double> scraped = scrape();
            if (done.test(scraped) || System.nanoTime() > deadline) {
                return scraped;
            }
            Thread.sleep(100);
        }
    }

    private static double delta(Map<String, Double> before, Map<String, Double> after, String sample) {
        assertThat(after).as("sample " + sample).containsKey(sample);
        return after.get(sample) - before.getOrDefault(sample, 0.0);
    }
}
