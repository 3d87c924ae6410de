package io.aihub.server.http;

import io.aihub.protocol.ApiError;
import io.aihub.store.jdbc.Database;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/** Health and the OpenAPI description of the API. */
public final class SystemRoutes {
    private final Database database;
    private final Buffer openApi;

    public SystemRoutes(Database database) {
        this.database = database;
        this.openApi = Buffer.buffer(openApiDocument());
    }

    /** {@code GET /health} → 200 once the database answers (it is migrated before the hub listens), else 503. */
    public void health(RoutingContext ctx) {
        if (!database.isReachable()) {
            throw ApiError.unavailable("the database does not answer", null);
        }
        Replies.ok(ctx, Map.of("status", "ok"));
    }

    /** {@code GET /api/v1/rest/docs-json} → the OpenAPI 3 document of every route. */
    public void openApi(RoutingContext ctx) {
        ctx.response()
                .putHeader("Content-Type", "application/json; charset=utf-8")
                .end(openApi);
    }

    public static byte[] openApiDocument() {
        try (InputStream in = SystemRoutes.class.getResourceAsStream("/openapi.json")) {
            if (in == null) {
                throw new IllegalStateException("openapi.json is missing from the classpath");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
