package io.aihub.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code hub accounts create|list}: the hub's accounts, each with an API key at creation. */
@Command(name = "accounts", description = "Create and list accounts.")
public final class AccountsCommand {
    @Command(name = "create", description = "Create an account; prints its address and its first API key.")
    int create(
            @Mixin HubOptions hub,
            @Option(names = "--name", required = true, description = "A name for people, 1 to 200 characters.")
                    String name) {
        JsonNode created = hub.client().post("/api/v1/admin/accounts", Map.of("name", name));
        if (hub.json()) {
            hub.printJson(created);
        } else {
            hub.print("account " + created.path("address").asText() + " ("
                    + created.path("name").asText() + ")");
            hub.print("api key " + created.path("key_id").asText() + ": "
                    + created.path("api_key").asText());
        }
        return 0;
    }

    @Command(name = "list", description = "List every account, oldest first.")
    int list(@Mixin HubOptions hub) {
        JsonNode listed = hub.client().get("/api/v1/admin/accounts");
        if (hub.json()) {
            hub.printJson(listed);
            return 0;
        }
        Table table = new Table("ADDRESS", "NAME", "CREATED");
        for (JsonNode account : listed.path("accounts")) {
            table.row(
                    account.path("address").asText(),
                    account.path("name").asText(),
                    account.path("createdAt").asText());
        }
        table.print(hub);
        return 0;
    }
}
