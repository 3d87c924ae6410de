package io.aihub.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class OpenApiDocumentTest extends HubTestBase {

    @Test
    void theServedDocument_describesExactlyTheRoutesTheHubServes() {
        HubClient.Reply reply = client.get("/api/v1/rest/docs-json", null);
        assertThat(reply.status()).isEqualTo(200);
        JsonNode document = reply.body();
        assertThat(document.get("openapi").asText()).startsWith("3.");

        Set<String> documented = new TreeSet<>();
        document.get("paths")
                .properties()
                .forEach(path -> path.getValue().properties().forEach(operation -> {
                    if (Set.of("get", "post", "put", "delete", "patch").contains(operation.getKey())) {
                        documented.add(operation.getKey().toUpperCase() + " " + path.getKey());
                    }
                }));
        Set<String> served = new TreeSet<>();
        for (Route route : hub.router().getRoutes()) {
            if (route.getPath() == null || route.methods() == null) {
                continue;
            }
            for (HttpMethod method : route.methods()) {
                served.add(method.name() + " " + route.getPath().replaceAll(":(\\w+)", "{$1}"));
            }
        }

        assertThat(served).hasSizeGreaterThan(15);
        assertThat(documented).isEqualTo(served);
    }
}
