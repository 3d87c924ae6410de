package io.aihub.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.aihub.server.HubClient.Account;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What an account reads about itself: its own agents, and the tasks it submitted, never another's. */
class AccountViewsTest extends HubTestBase {

    @Test
    void anAccount_listsItsOwnAgents_only() {
        Account alice = client.account("views-alice");
        Account bob = client.account("views-bob");
        String first = client.agent(alice);
        String second = client.agent(alice);
        client.agent(bob);

        JsonNode agents =
                client.get("/api/v1/account/agents", alice.apiKey()).body().get("agents");
        assertThat(agents).extracting(agent -> agent.get("did").asText()).containsExactly(first, second);
        assertThat(client.get("/api/v1/account/agents", client.accessToken(alice, first))
                        .status())
                .isEqualTo(403);
    }

    @Test
    void anAccount_pagesThroughTheTasksItSubmitted_newestFirst_byStatus_andSeesNoOneElses() {
        Account builder = client.account("views-builder");
        Account user = client.account("views-user");
        Account other = client.account("views-other");
        String did = client.agent(builder);
        List<String> submitted = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            submitted.addFirst(client.task(user.apiKey(), did, "mine " + i)
                    .at("/task/task_id")
                    .asText());
        }
        client.task(other.apiKey(), did, "not mine");
        String ended = submitted.get(0);
        String cancelPath = "/api/v1/agents/" + did + "/tasks/" + ended + "/cancel";
        assertThat(client.post(cancelPath, user.apiKey(), Map.of()).status()).isEqualTo(200);

        JsonNode first = client.get("/api/v1/account/tasks?page=1&offset=3", user.apiKey())
                .body();
        JsonNode second = client.get("/api/v1/account/tasks?page=2&offset=3", user.apiKey())
                .body();
        assertThat(first.get("totalResults").asInt()).isEqualTo(5);
        List<String> paged = new ArrayList<>();
        first.get("tasks").forEach(task -> paged.add(task.get("task_id").asText()));
        second.get("tasks").forEach(task -> paged.add(task.get("task_id").asText()));
        assertThat(paged).containsExactlyElementsOf(submitted);

        JsonNode failed =
                client.get("/api/v1/account/tasks?status=Failed", user.apiKey()).body();
        assertThat(failed.get("tasks"))
                .extracting(task -> task.get("task_id").asText())
                .containsExactly(ended);
        assertThat(client.get("/api/v1/account/tasks", builder.apiKey())
                        .body()
                        .get("totalResults")
                        .asInt())
                .as("the agent's owner submitted none")
                .isZero();

        HubClient.Reply badPage = client.get("/api/v1/account/tasks?page=zero", user.apiKey());
        assertThat(badPage.status()).isEqualTo(400);
        assertThat(badPage.message()).contains("page");
    }
}
