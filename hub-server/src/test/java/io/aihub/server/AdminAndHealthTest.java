package io.aihub.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.aihub.server.HubClient.Account;
import io.aihub.server.HubClient.Reply;
import io.aihub.store.jdbc.DatabaseConfig;
import io.aihub.store.jdbc.TestDatabase;
import java.time.InstantSource;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AdminAndHealthTest extends HubTestBase {

    @Test
    void health_isOk_whileTheDatabaseAnswers() {
        Reply reply = client.get("/health", null);

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.body().get("status").asText()).isEqualTo("ok");
    }

    @Test
    void liveAndReady_areBoth200_onAHubThatServes() {
        Reply live = client.get("/health/live", null);
        Reply ready = client.get("/health/ready", null);

        assertThat(live.status()).isEqualTo(200);
        assertThat(live.body().get("status").asText()).isEqualTo("live");
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.body().get("status").asText()).isEqualTo("ready");
    }

    @Test
    void whenTheDatabaseIsGone_readyIs503_butLiveStays200() throws Exception {
        try (Hub lonely = Hub.start(
                HubTestBase.testConfig(new DatabaseConfig(TestDatabase.freshSchemaUrl(), 2), Optional.of(ADMIN_TOKEN)),
                InstantSource.system())) {
            lonely.database().close();
            HubClient direct = new HubClient("http://127.0.0.1:" + lonely.port(), ADMIN_TOKEN);

            assertThat(direct.get("/health/ready", null).status()).isEqualTo(503);
            assertThat(direct.get("/health/live", null).status()).isEqualTo(200);
        }
    }

    @Test
    void health_is503_whenTheDatabaseIsGone() throws Exception {
        try (Hub lonely = Hub.start(
                HubTestBase.testConfig(new DatabaseConfig(TestDatabase.freshSchemaUrl(), 2), Optional.of(ADMIN_TOKEN)),
                InstantSource.system())) {
            lonely.database().close();

            Reply reply = new HubClient("http://127.0.0.1:" + lonely.port(), ADMIN_TOKEN).get("/health", null);

            assertThat(reply.status()).isEqualTo(503);
            assertThat(reply.message()).contains("database");
        }
    }

    @Test
    void anAccountCanHoldSeveralKeys_listedWithoutSecrets_andRevokedOneByOne() {
        Account account = client.account("several keys");
        Reply issued = client.post(
                "/api/v1/admin/accounts/"
                        + account.address().toUpperCase(Locale.ROOT).replace("0X", "0x") + "/keys",
                ADMIN_TOKEN,
                Map.of());
        assertThat(issued.status()).isEqualTo(201);
        String second = issued.body().get("api_key").asText();
        assertThat(client.get("/api/v1/agents", second).status()).isEqualTo(200);

        client.delete("/api/v1/admin/keys/" + account.keyId(), ADMIN_TOKEN);

        JsonNode keys = client.get("/api/v1/admin/accounts/" + account.address() + "/keys", ADMIN_TOKEN)
                .body()
                .get("keys");
        assertThat(keys).hasSize(2);
        assertThat(keys.toString()).doesNotContain(second).doesNotContain(account.apiKey());
        assertThat(keys.findValuesAsText("key_id"))
                .contains(account.keyId(), issued.body().get("key_id").asText());
        assertThat(keys.get(0).get("revokedAt").isNull()).isFalse();
        assertThat(client.get("/api/v1/agents", account.apiKey()).status()).isEqualTo(401);
        assertThat(client.get("/api/v1/agents", second).status()).isEqualTo(200);
        assertThat(client.get("/api/v1/admin/accounts", ADMIN_TOKEN)
                        .body()
                        .get("accounts")
                        .findValuesAsText("address"))
                .contains(account.address());
    }

    @Test
    void unknownAccountsAndMalformedAddresses_areRefusedClearly() {
        assertThat(client.post("/api/v1/admin/accounts/0x" + "a".repeat(40) + "/keys", ADMIN_TOKEN, Map.of())
                        .status())
                .isEqualTo(404);
        Reply malformed = client.get("/api/v1/admin/accounts/not-an-address/keys", ADMIN_TOKEN);
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.message()).contains("`address` must be 0x followed by 40 hex digits");
    }
}
