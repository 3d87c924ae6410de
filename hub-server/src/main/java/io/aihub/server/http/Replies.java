package io.aihub.server.http;

import io.aihub.server.json.HubJson;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.Unpooled;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.OutputStream;

/** Writes JSON responses. */
public final class Replies {
    private Replies() {}

    public static void json(RoutingContext ctx, int status, Object body) {
        json(ctx.response(), status, body);
    }

    /**
     * Writes the body as JSON with that status; the future completes once it is written. The JSON is
     * written straight into the buffer sent (as Vert.x's own JSON codec does), not into an array that is
     * then copied into one.
     */
    public static Future<Void> json(HttpServerResponse response, int status, Object body) {
        ByteBuf json = Unpooled.buffer();
        try {
            HubJson.MAPPER.writeValue((OutputStream) new ByteBufOutputStream(json), body);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the response as JSON", e);
        }
        return response.setStatusCode(status)
                .putHeader("Content-Type", "application/json; charset=utf-8")
                .end(BufferInternal.buffer(json));
    }

    public static void ok(RoutingContext ctx, Object body) {
        json(ctx, 200, body);
    }

    public static void created(RoutingContext ctx, Object body) {
        json(ctx, 201, body);
    }
}
