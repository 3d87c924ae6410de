package io.aihub.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.aihub.server.HubClient.Account;
import io.aihub.server.json.HubJson;
import io.aihub.store.jdbc.TestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code HUB_LOG_FORMAT=json} on the built jar: one JSON object per line, from start to stop. */
class JsonLogIT {
    private static final String ADMIN_TOKEN = "json-log-it-admin-token-0123456789";

    @Test
    void everyLineIsOneJsonObject_andEachRequestHasAnAccessLineWithItsFields_butNoToken() throws Exception {
        List<String> lines;
        Account account;
        try (HubProcess hub = HubProcess.start(
                "json-log",
                TestDatabase.freshSchemaUrl(),
                ADMIN_TOKEN,
                new HubProcess.Options(List.of(), Map.of("HUB_LOG_FORMAT", "json"), 0))) {
            HubClient client = new HubClient(hub.url(), ADMIN_TOKEN);
            account = client.account("json-log");
            assertThat(client.get("/api/v1/agents", account.apiKey()).status()).isEqualTo(200);
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
        JsonNode access = parsed.stream()
                .filter(node -> node.path("loggerName").asText().equals("io.aihub.access"))
                .filter(node -> node.toString().contains("\"/api/v1/agents\""))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no access line for GET /api/v1/agents in " + lines));
        String fields = access.path("kvpList").toString();
        assertThat(fields)
                .contains("\"method\":\"GET\"", "\"status\":\"200\"", account.address(), "correlation_id")
                .doesNotContain(account.apiKey());
    }
}
