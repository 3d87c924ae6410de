package io.aihub.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.aihub.server.json.HubJson;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A real HTTP client for a running hub, with fixtures built through the hub's own API. */
public final class HubClient {
    /**
     * HTTP/1.1 as the SDKs speak it (Node's fetch, Python's requests). Left to its default, the JDK
     * client offers an h2c upgrade on every new connection, and an oversized request racing that
     * upgrade came back as an HTTP/2 stream reset instead of the hub's answer.
     */
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private final String baseUrl;
    private final String adminToken;

    public HubClient(String baseUrl, String adminToken) {
        this.baseUrl = baseUrl;
        this.adminToken = adminToken;
        TestSecrets.remember(adminToken);
    }

    public record Reply(int status, JsonNode body, String contentType, HttpHeaders headers) {
        public String message() {
            return body.path("message").asText();
        }
    }

    /** An account with its first API key. */
    public record Account(String address, String apiKey, String keyId) {}

    public Reply get(String path, String token) {
        return send(request(path, token).GET());
    }

    public Reply delete(String path, String token) {
        return send(request(path, token).DELETE());
    }

    public Reply post(String path, String token, Object body) {
        return send(request(path, token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(text(body))));
    }

    public Reply put(String path, String token, Object body) {
        return send(request(path, token)
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(text(body))));
    }

    /** A POST with an {@code Idempotency-Key} header. */
    public Reply postOnce(String path, String token, String idempotencyKey, Object body) {
        return send(request(path, token)
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", idempotencyKey)
                .POST(HttpRequest.BodyPublishers.ofString(text(body))));
    }

    /** Any method with a raw body and content type (null: no header). */
    public Reply raw(String method, String path, String token, String contentType, byte[] body) {
        HttpRequest.Builder builder = request(path, token).method(method, HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            builder.header("Content-Type", contentType);
        }
        return send(builder);
    }

    public Account account(String name) {
        Reply reply = post("/api/v1/admin/accounts", adminToken, java.util.Map.of("name", name));
        require(reply, 201);
        return new Account(
                reply.body().get("address").asText(),
                reply.body().get("api_key").asText(),
                reply.body().get("key_id").asText());
    }

    public String agent(Account owner) {
        Reply reply = post("/api/v1/agents", owner.apiKey(), java.util.Map.of("name", "agent of " + owner.address()));
        require(reply, 201);
        return reply.body().get("did").asText();
    }

    public String accessToken(Account subscriber, String did) {
        Reply reply = get("/api/v1/payments/service/token/" + did, subscriber.apiKey());
        require(reply, 200);
        return reply.body().get("token").get("accessToken").asText();
    }

    /** Creates a task; returns the 201 body {task, steps}. */
    public JsonNode task(String token, String did, String query) {
        Reply reply = post("/api/v1/agents/" + did + "/tasks", token, java.util.Map.of("query", query));
        require(reply, 201);
        return reply.body();
    }

    public String adminToken() {
        return adminToken;
    }

    private HttpRequest.Builder request(String path, String token) {
        HttpRequest.Builder builder =
                HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(10));
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        return builder;
    }

    private Reply send(HttpRequest.Builder request) {
        try {
            HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            JsonNode body =
                    response.body().length == 0 ? HubJson.MAPPER.nullNode() : HubJson.MAPPER.readTree(response.body());
            body.findValuesAsText("api_key").forEach(TestSecrets::remember);
            body.findValuesAsText("accessToken").forEach(TestSecrets::remember);
            return new Reply(
                    response.statusCode(),
                    body,
                    response.headers().firstValue("Content-Type").orElse(""),
                    response.headers());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String text(Object body) {
        return body instanceof String string ? string : HubJson.write(body);
    }

    private static void require(Reply reply, int status) {
        if (reply.status() != status) {
            throw new AssertionError("expected " + status + " but got " + reply.status() + ": " + reply.body());
        }
    }
}
