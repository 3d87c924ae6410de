package io.aihub.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.aihub.store.HubJson;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;

/** Writes JSON responses. */
public final class Replies {
    private Replies() {
    }

    public static void json(RoutingContext ctx, int status, Object body) {
        byte[] bytes;
        try {
            bytes = HubJson.MAPPER.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the response as JSON", e);
        }
        ctx.response()
                .setStatusCode(status)
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
