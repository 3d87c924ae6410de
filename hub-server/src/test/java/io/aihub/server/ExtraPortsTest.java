package io.aihub.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.aihub.store.jdbc.DatabaseConfig;
import io.aihub.store.jdbc.TestDatabase;
import java.net.ServerSocket;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The Python SDK's fixed local ports (3100 proxy, 3200 backend) are served by HUB_EXTRA_PORTS. */
class ExtraPortsTest {

    @Test
    void theSameApi_isServedOnEveryExtraPort() throws Exception {
        int extra;
        try (ServerSocket probe = new ServerSocket(0)) {
            extra = probe.getLocalPort();
        }
        String admin = "extra-ports-admin-token";
        try (Hub hub = Hub.start(
                HubTestBase.testConfig(new DatabaseConfig(TestDatabase.freshSchemaUrl(), 4), Optional.of(admin))
                        .withExtraPorts(List.of(extra)),
                InstantSource.system())) {
            HubClient main = new HubClient("http://127.0.0.1:" + hub.port(), admin);
            HubClient proxy = new HubClient("http://127.0.0.1:" + extra, admin);
            HubClient.Account builder = main.account("builder");
            String did = main.agent(builder);

            String taskId = proxy.task(builder.apiKey(), did, "via the extra port")
                    .at("/task/task_id")
                    .asText();

            assertThat(proxy.get("/health", null).body())
                    .isEqualTo(main.get("/health", null).body());
            assertThat(main.get("/api/v1/agents/" + did + "/tasks/" + taskId, builder.apiKey())
                            .body()
                            .at("/task/input_query")
                            .asText())
                    .isEqualTo("via the extra port");
            assertThat(proxy.post("/api/v1/agents/search/tasks", builder.apiKey(), Map.of())
                            .body()
                            .get("totalResults")
                            .asInt())
                    .isEqualTo(1);
        }
    }
}
