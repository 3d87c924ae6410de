package io.aihub.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.aihub.server.json.HubJson;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/** Writes JSON responses. */
public final class Replies {
    private Replies() {}

    public static void json(RoutingContext ctx, int status, Object body) {
        json(ctx.response(), status, body);
    }

    /** Writes the body as JSON with that status; the future completes once it is written. */
    public static Future<Void> json(HttpServerResponse response, int status, Object body) {
        byte[] bytes;
        try {
            bytes = HubJson.MAPPER.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the response as JSON", e);
        }
        return response.setStatusCode(status)
                .putHeader("Content-Type", "application/json; charset=utf-8")
                .end(Buffer.buffer(bytes));
    }

    public static void ok(RoutingContext ctx, Object body) {
        json(ctx, 200, body);
    }

    public static void created(RoutingContext ctx, Object body) {
        json(ctx, 201, body);
    }
}
