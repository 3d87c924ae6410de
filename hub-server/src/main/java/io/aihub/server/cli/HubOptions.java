package io.aihub.server.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.aihub.server.json.HubJson;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * What every admin command shares: which hub ({@code --url}, {@code HUB_URL}), with which admin token
 * ({@code HUB_ADMIN_TOKEN}, or {@code --admin-token}, which other users of the machine can see in the
 * process list), and whether to print the hub's JSON ({@code --json}) instead of text for people.
 */
public final class HubOptions {
    private static final ObjectWriter ASCII_JSON = HubJson.MAPPER.writer().with(JsonWriteFeature.ESCAPE_NON_ASCII);

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Option(
            names = "--url",
            defaultValue = "${env:HUB_URL:-http://localhost:3001}",
            description = "The hub's address (default: $HUB_URL, else ${DEFAULT-VALUE}).")
    String url;

    @Option(
            names = "--admin-token",
            defaultValue = "${env:HUB_ADMIN_TOKEN}",
            description = "The hub's admin token (default: $HUB_ADMIN_TOKEN, which keeps it out of the process list).")
    String adminToken;

    @Option(
            names = "--json",
            description = "Print the hub's JSON answer, one document per line, instead of text for people.")
    boolean json;

    /** A client for the hub these options name; a missing token or a malformed URL is a usage error. */
    AdminClient client() {
        if (adminToken == null || adminToken.isBlank()) {
            throw new ParameterException(
                    command.commandLine(), "no admin token: set HUB_ADMIN_TOKEN (or pass --admin-token)");
        }
        URI base;
        try {
            base = new URI(url.endsWith("/") ? url : url + "/");
        } catch (URISyntaxException e) {
            throw new ParameterException(command.commandLine(), "--url is not a URL: " + e.getReason());
        }
        if (!"http".equals(base.getScheme()) && !"https".equals(base.getScheme()) || base.getHost() == null) {
            throw new ParameterException(
                    command.commandLine(),
                    "--url must be an http:// or https:// address with a host, such as http://localhost:3001");
        }
        if (base.getRawUserInfo() != null) {
            throw new ParameterException(
                    command.commandLine(), "--url must not carry credentials: the admin token is the credential");
        }
        return new AdminClient(base, adminToken);
    }

    boolean json() {
        return json;
    }

    PrintWriter out() {
        return command.commandLine().getOut();
    }

    /**
     * Prints the document as one line of JSON, flushed (a follower may be read line by line), with every
     * character past ASCII escaped: valid JSON still, and nothing a terminal would obey.
     */
    void printJson(JsonNode document) {
        try {
            out().println(ASCII_JSON.writeValueAsString(document));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        out().flush();
    }

    /** Prints a line of text, flushed, with tenants' control and format characters escaped. */
    void print(String line) {
        out().println(TerminalText.safe(line));
        out().flush();
    }
}
