package io.aihub.server.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.aihub.server.json.HubJson;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The admin API of a running hub, over HTTP with the admin token: what the commands and {@code dev}
 * mode's seeding call. A refusal comes back as {@link Refused} with the hub's own message; a hub that
 * cannot be reached as {@link Unreachable}.
 */
public final class AdminClient {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    private final URI base;
    private final String adminToken;

    public AdminClient(URI base, String adminToken) {
        this.base = base;
        this.adminToken = adminToken;
    }

    /** The hub said no: its status and its {@code {"error","message"}}. */
    public static final class Refused extends RuntimeException {
        private final int status;

        Refused(int status, String message) {
            super(message);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    /** No answer from the hub at all: not running, wrong URL, or too slow. */
    public static final class Unreachable extends RuntimeException {
        Unreachable(String message) {
            super(message);
        }
    }

    public JsonNode get(String path) {
        return send(request(path).GET());
    }

    public JsonNode post(String path, Object body) {
        try {
            return send(request(path)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(HubJson.MAPPER.writeValueAsString(body))));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    public JsonNode delete(String path) {
        return send(request(path).DELETE());
    }

    /** A path segment or query value, percent-encoded (a DID holds colons, a name anything). */
    public static String encoded(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** {@code path} under the base URL, which may have a path of its own ({@code https://host/hub/}). */
    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(base.resolve(path.startsWith("/") ? path.substring(1) : path))
                .timeout(TIMEOUT)
                .header("Accept", "application/json")
                .header("Authorization", "Bearer " + adminToken);
    }

    private JsonNode send(HttpRequest.Builder builder) {
        HttpRequest request = builder.build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (ConnectException e) {
            throw new Unreachable("cannot reach the hub at " + origin() + ": connection refused (is it running?)");
        } catch (HttpTimeoutException e) {
            throw new Unreachable("the hub at " + origin() + " did not answer within " + TIMEOUT.toSeconds() + " s");
        } catch (IOException e) {
            throw new Unreachable("cannot reach the hub at " + origin() + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unreachable("interrupted while waiting for the hub at " + origin());
        }
        JsonNode body = parse(response.body());
        if (response.statusCode() >= 400) {
            String message = body == null ? "" : body.path("message").asText("");
            throw new Refused(
                    response.statusCode(),
                    message.isEmpty()
                            ? request.method() + " " + request.uri().getPath() + " answered " + response.statusCode()
                            : TerminalText.safe(message)); // it may quote what a tenant sent
        }
        if (body == null) {
            throw new Unreachable("the server at " + origin() + " did not answer with JSON: is it an AI Hub?");
        }
        return body;
    }

    /** The hub's address for messages: scheme, host, port and path, never credentials. */
    private String origin() {
        String port = base.getPort() < 0 ? "" : ":" + base.getPort();
        String path = base.getRawPath() == null || base.getRawPath().equals("/") ? "" : base.getRawPath();
        return base.getScheme() + "://" + base.getHost() + port + path;
    }

    private static JsonNode parse(String text) {
        try {
            return text.isEmpty() ? null : HubJson.MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            return null;
        }
    }
}
