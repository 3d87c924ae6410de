package io.aihub.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.aihub.server.HubClient.Account;
import io.aihub.server.HubClient.Reply;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The routes added for operations and the dashboard answer malformed, wrongly typed or out-of-range input
 * with a 400 that names what is wrong, and change nothing.
 */
class OperatorRoutesBadInputTest extends HubTestBase {

    @Test
    void registeringAnAgentForAnAccount_refusesABadBody_andRegistersNothing() {
        Account account = client.account("bad-input-owner");
        String path = "/api/v1/admin/accounts/" + account.address() + "/agents";

        Reply malformed = client.raw(
                "POST", path, ADMIN_TOKEN, "application/json", "{\"name\":".getBytes(StandardCharsets.UTF_8));
        Reply wrongType = client.post(path, ADMIN_TOKEN, Map.of("name", 42));
        Reply missing = client.post(path, ADMIN_TOKEN, Map.of("description", "no name"));
        Reply tooLong = client.post(path, ADMIN_TOKEN, Map.of("name", "n".repeat(201)));
        Reply notJson = client.raw("POST", path, ADMIN_TOKEN, "text/plain", "name".getBytes(StandardCharsets.UTF_8));

        for (Reply reply : new Reply[] {malformed, wrongType, missing, tooLong}) {
            assertThat(reply.status()).as(reply.body().toString()).isEqualTo(400);
            assertThat(reply.message()).isNotBlank();
        }
        assertThat(missing.message()).contains("name");
        assertThat(notJson.status()).isEqualTo(415);
        assertThat(count("select count(*) from agents where owner = ?", account.address()))
                .isZero();
    }

    @Test
    void listingTasks_refusesABadStatusOrPage_namingIt() {
        Account owner = client.account("bad-input-lister");
        String did = client.agent(owner);
        String admin = "/api/v1/admin/agents/" + did + "/tasks";

        assertThat(client.get(admin + "?status=Done", ADMIN_TOKEN).message()).contains("status");
        assertThat(client.get(admin + "?page=first", ADMIN_TOKEN).message()).contains("page");
        assertThat(client.get(admin + "?offset=5000", ADMIN_TOKEN).message()).contains("offset");
        assertThat(client.get("/api/v1/account/tasks?offset=0", owner.apiKey()).message())
                .contains("offset");
        assertThat(client.get("/api/v1/account/tasks?status=Done", owner.apiKey())
                        .message())
                .contains("status");
        for (String path : new String[] {
            admin + "?status=Done",
            admin + "?page=first",
            admin + "?offset=5000",
            "/api/v1/account/tasks?offset=0",
            "/api/v1/account/tasks?status=Done"
        }) {
            String token = path.startsWith("/api/v1/admin") ? ADMIN_TOKEN : owner.apiKey();
            assertThat(client.get(path, token).status()).as(path).isEqualTo(400);
        }
        assertThat(client.get("/api/v1/agents/did:nv:unknown/task-counts", owner.apiKey())
                        .status())
                .isEqualTo(404);
    }
}
