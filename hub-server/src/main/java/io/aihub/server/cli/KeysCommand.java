package io.aihub.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code hub keys issue|list|revoke}: an account's API keys. */
@Command(name = "keys", description = "Issue, list and revoke API keys.")
public final class KeysCommand {
    @Command(name = "issue", description = "Issue another API key to an account; prints it (only now).")
    int issue(
            @Mixin HubOptions hub,
            @Option(names = "--account", required = true, description = "Account address.") String account) {
        JsonNode issued =
                hub.client().post("/api/v1/admin/accounts/" + AdminClient.encoded(account) + "/keys", Map.of());
        if (hub.json()) {
            hub.printJson(issued);
        } else {
            hub.print("api key " + issued.path("key_id").asText() + ": "
                    + issued.path("api_key").asText());
        }
        return 0;
    }

    @Command(name = "list", description = "List an account's keys (ids and state, never the keys themselves).")
    int list(
            @Mixin HubOptions hub,
            @Option(names = "--account", required = true, description = "Account address.") String account) {
        JsonNode listed = hub.client().get("/api/v1/admin/accounts/" + AdminClient.encoded(account) + "/keys");
        if (hub.json()) {
            hub.printJson(listed);
            return 0;
        }
        Table table = new Table("KEY", "CREATED", "REVOKED");
        for (JsonNode key : listed.path("keys")) {
            table.row(
                    key.path("key_id").asText(),
                    key.path("createdAt").asText(),
                    key.path("revokedAt").isNull() ? "-" : key.path("revokedAt").asText("-"));
        }
        table.print(hub);
        return 0;
    }

    @Command(
            name = "revoke",
            description =
                    "Revoke a key: the hub refuses it, and its access tokens, from now on, and closes its sockets.")
    int revoke(
            @Mixin HubOptions hub,
            @Parameters(paramLabel = "KEY_ID", description = "The key's id (key-...).") String keyId) {
        JsonNode revoked = hub.client().delete("/api/v1/admin/keys/" + AdminClient.encoded(keyId));
        if (hub.json()) {
            hub.printJson(revoked);
        } else {
            hub.print("revoked " + revoked.path("key_id").asText() + " of "
                    + revoked.path("address").asText() + " at "
                    + revoked.path("revokedAt").asText());
        }
        return 0;
    }
}
