package io.aihub.server.http;

import io.aihub.server.json.HubJson;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
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
     * written straight into the buffer sent, not into an array that is then copied into one.
     */
    public static Future<Void> json(HttpServerResponse response, int status, Object body) {
        Buffer json = Buffer.buffer();
        try {
            HubJson.MAPPER.writeValue(new Appending(json), body);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the response as JSON", e);
        }
        return response.setStatusCode(status)
                .putHeader("Content-Type", "application/json; charset=utf-8")
                .end(json);
    }

    /** Jackson's output appended to a Vert.x buffer (Jackson hands over its own buffer's bytes in chunks). */
    private static final class Appending extends OutputStream {
        private final Buffer buffer;

        Appending(Buffer buffer) {
            this.buffer = buffer;
        }

        @Override
        public void write(int b) {
            buffer.appendByte((byte) b);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            buffer.appendBytes(bytes, offset, length);
        }
    }

    public static void ok(RoutingContext ctx, Object body) {
        json(ctx, 200, body);
    }

    public static void created(RoutingContext ctx, Object body) {
        json(ctx, 201, body);
    }
}
