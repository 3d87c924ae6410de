package io.aihub.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.aihub.server.HubClient.Account;
import io.aihub.server.json.HubJson;
import io.aihub.store.jdbc.TestDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code HUB_LOG_FORMAT=json} on the built jar, started without {@code HUB_ADMIN_TOKEN}: one JSON object per
 * line from start to stop, the generated admin token in exactly one of them, and an access line per
 * request whose correlation id is the answer's {@code X-Request-Id}.
 */
class JsonLogIT {
    private static final String ANNOUNCEMENT = "HUB_ADMIN_TOKEN was not set; admin token for this run: ";

    @Test
    void everyLineIsOneJsonObject_andEachRequestHasAnAccessLineWithItsFields_butNoToken() throws Exception {
        List<String> lines;
        Account account;
        String adminToken;
        HubClient.Reply listed;
        String offeredId = "nginx-0123456789abcdef";
        try (HubProcess hub = HubProcess.start(
                "json-log",
                TestDatabase.freshSchemaUrl(),
                null,
                new HubProcess.Options(List.of(), Map.of("HUB_LOG_FORMAT", "json"), 0))) {
            String announced = hub.logged(ANNOUNCEMENT).getFirst();
            adminToken = HubJson.MAPPER
                    .readTree(announced)
                    .path("formattedMessage")
                    .asText()
                    .substring(ANNOUNCEMENT.length());
            HubClient client = new HubClient(hub.url(), adminToken);
            account = client.account("json-log");
            listed = client.get("/api/v1/agents", account.apiKey());
            assertThat(listed.status()).isEqualTo(200);
            HttpResponse<String> proxied = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(hub.url() + "/health/live"))
                                    .header("X-Request-Id", offeredId)
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(proxied.headers().firstValue("X-Request-Id"))
                    .as("a proxy's request id is kept")
                    .hasValue(offeredId);
            hub.terminate();
            assertThat(hub.awaitExit(Duration.ofSeconds(15))).isTrue();
            lines = hub.logged("");
        }

        List<JsonNode> parsed = new ArrayList<>();
        for (String line : lines) {
            JsonNode node = HubJson.MAPPER.readTree(line);
            assertThat(node.isObject()).as(line).isTrue();
            assertThat(node.path("level").asText()).as(line).isNotEmpty();
            parsed.add(node);
        }
        assertThat(parsed)
                .anyMatch(node -> node.path("formattedMessage").asText().contains("AI Hub listening on port"));
        assertThat(parsed)
                .anyMatch(node -> node.path("formattedMessage").asText().equals("stopped"));
        assertThat(lines)
                .as("the generated admin token is announced once and never logged again")
                .filteredOn(line -> line.contains(adminToken))
                .hasSize(1);

        JsonNode access = parsed.stream()
                .filter(node -> node.path("loggerName").asText().equals("io.aihub.access"))
                .filter(node -> node.toString().contains("\"/api/v1/agents\""))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no access line for GET /api/v1/agents in " + lines));
        String fields = access.path("kvpList").toString();
        String correlation = listed.headers().firstValue("X-Request-Id").orElseThrow();
        assertThat(fields)
                .contains(
                        "\"method\":\"GET\"",
                        "\"route\":\"/api/v1/agents\"",
                        "\"status\":\"200\"",
                        "\"duration_ms\"",
                        "\"account\":\"" + account.address() + "\"",
                        "\"correlation_id\":\"" + correlation + "\"")
                .doesNotContain(account.apiKey());
    }
}
