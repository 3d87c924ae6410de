package io.aihub.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code hub agents create}: an agent for an account, as if it had registered it itself. */
@Command(name = "agents", description = "Create agents for accounts.")
public final class AgentsCommand {
    @Command(name = "create", description = "Register an agent owned by an account; prints its DID.")
    int create(
            @Mixin HubOptions hub,
            @Option(names = "--account", required = true, description = "The owner's address.") String account,
            @Option(names = "--name", required = true, description = "The agent's name, 1 to 200 characters.")
                    String name,
            @Option(names = "--description", description = "What the agent does.") String description) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("name", name);
        if (description != null) {
            body.put("description", description);
        }
        JsonNode agent = hub.client().post("/api/v1/admin/accounts/" + AdminClient.encoded(account) + "/agents", body);
        if (hub.json()) {
            hub.printJson(agent);
        } else {
            hub.print("agent " + agent.path("did").asText() + " ("
                    + agent.path("name").asText() + ") owned by "
                    + agent.path("owner").asText());
        }
        return 0;
    }
}
