package io.aihub.server;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.aihub.server.cli.AdminClient;
import io.aihub.server.json.HubJson;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code hub dev}: a hub for SDK integration tests. It runs like {@code serve} (same variables) but with a
 * fixed admin token unless {@code HUB_ADMIN_TOKEN} is set, seeds a builder, a user and an agent of the
 * builder's through its own admin API, and prints them as one JSON line on standard output (and into
 * {@code --output}, {@code HUB_DEV_OUTPUT}), for a CI job to read. The log stays on standard error.
 */
@Command(
        name = "dev",
        description = "Run a hub for SDK tests: seeds a builder, a user and an agent, prints them as one JSON line.")
final class DevCommand implements Callable<Integer> {
    /** The admin token of a dev hub when HUB_ADMIN_TOKEN is not set; also a well-known token to {@code serve}. */
    static final String ADMIN_TOKEN = "aihub-dev-admin-token";

    private static final Logger LOG = LoggerFactory.getLogger(DevCommand.class);

    @Option(
            names = "--output",
            defaultValue = "${env:HUB_DEV_OUTPUT}",
            description = "Also write the JSON line to this file, whole or not at all (default: $HUB_DEV_OUTPUT).")
    Path output;

    @Override
    public Integer call() throws IOException {
        if (output != null) {
            Path folder = output.toAbsolutePath().getParent();
            if (!Files.isDirectory(folder) || !Files.isWritable(folder)) {
                System.err.println("AI Hub dev cannot write --output/HUB_DEV_OUTPUT " + output + ": " + folder
                        + " is not a folder it may write to");
                return 2;
            }
        }
        Map<String, String> environment = new HashMap<>(System.getenv());
        environment.putIfAbsent("HUB_ADMIN_TOKEN", ADMIN_TOKEN);
        // A dev hub runs next to others (a serving hub, a second job): its metrics take any free port.
        environment.putIfAbsent("HUB_METRICS_PORT", "0");
        ServeCommand.Started started;
        try {
            started = ServeCommand.serve(environment, true);
        } catch (ServeCommand.CannotStart e) {
            return e.exitCode;
        }
        Hub hub = started.hub();
        String url = environment.containsKey("HUB_PUBLIC_URL")
                ? started.config().publicUrl()
                : "http://localhost:" + hub.port(); // HUB_PORT=0 included
        Seeded seeded = seed(
                new AdminClient(URI.create("http://127.0.0.1:" + hub.port() + "/"), hub.adminToken()),
                url,
                hub.adminToken());
        String line = HubJson.MAPPER.writeValueAsString(seeded);
        if (output != null) {
            writePrivately(output, line + "\n");
        }
        System.out.println(line);
        System.out.flush();
        LOG.info(
                "dev mode: seeded builder {}, user {} and agent {}{}",
                seeded.builder().address(),
                seeded.user().address(),
                seeded.agent().did(),
                output == null ? "" : "; written to " + output);
        return 0;
    }

    /**
     * Writes the file whole or not at all (beside it, then renamed), readable by its owner only: it holds
     * the admin token and two API keys.
     */
    private static void writePrivately(Path file, String text) throws IOException {
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        try {
            Files.deleteIfExists(partial);
            Files.createFile(
                    partial, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(partial, text, StandardCharsets.UTF_8);
            Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(partial);
        }
    }

    private static Seeded seed(AdminClient admin, String url, String adminToken) {
        JsonNode builder = admin.post("/api/v1/admin/accounts", Map.of("name", "dev-builder"));
        JsonNode user = admin.post("/api/v1/admin/accounts", Map.of("name", "dev-user"));
        JsonNode agent = admin.post(
                "/api/v1/admin/accounts/" + builder.path("address").asText() + "/agents",
                Map.of("name", "dev-agent", "description", "seeded by `hub dev`"));
        return new Seeded(
                url,
                adminToken,
                Seeded.Account.of(builder),
                Seeded.Account.of(user),
                new Seeded.Agent(agent.path("did").asText(), agent.path("name").asText()));
    }

    /** What {@code dev} prints. */
    record Seeded(
            @JsonProperty("url") String url,
            @JsonProperty("admin_token") String adminToken,
            @JsonProperty("builder") Account builder,
            @JsonProperty("user") Account user,
            @JsonProperty("agent") Agent agent) {
        record Account(
                @JsonProperty("address") String address,
                @JsonProperty("api_key") String apiKey,
                @JsonProperty("key_id") String keyId) {
            static Account of(JsonNode created) {
                return new Account(
                        created.path("address").asText(),
                        created.path("api_key").asText(),
                        created.path("key_id").asText());
            }
        }

        record Agent(
                @JsonProperty("did") String did,
                @JsonProperty("name") String name) {}
    }
}
