package io.aihub.server.http;

import io.aihub.protocol.ApiError;
import io.aihub.server.delivery.EventDispatcher;
import io.aihub.store.jdbc.Database;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/** Health, for people and for load balancers and orchestrators, and the OpenAPI description of the API. */
public final class SystemRoutes {
    public static final String LIVE = "/health/live";
    public static final String READY = "/health/ready";

    private final Database database;
    private final EventDispatcher delivery;
    private final Readiness readiness;
    private final Buffer openApi;

    public SystemRoutes(Database database, EventDispatcher delivery, Readiness readiness) {
        this.database = database;
        this.delivery = delivery;
        this.readiness = readiness;
        this.openApi = Buffer.buffer(openApiDocument());
    }

    /** {@code GET /health/live} → 200 while the process runs, starting, serving or draining. */
    public void live(RoutingContext ctx) {
        Replies.ok(ctx, Map.of("status", "live"));
    }

    /**
     * {@code GET /health/ready} → 200 when this node should be sent traffic: it has started, is not
     * draining, and its database and event delivery work (as {@code /health}); else 503, saying why.
     */
    public void ready(RoutingContext ctx) {
        readiness.notReady().ifPresent(why -> {
            throw ApiError.busy(why, 1);
        });
        checkDatabaseAndDelivery();
        Replies.ok(ctx, Map.of("status", "ready"));
    }

    /**
     * {@code GET /health} → 200 once the database answers (it is migrated before the hub listens) and
     * event delivery makes progress; else 503, saying which.
     */
    public void health(RoutingContext ctx) {
        checkDatabaseAndDelivery();
        Replies.ok(ctx, Map.of("status", "ok"));
    }

    private void checkDatabaseAndDelivery() {
        if (!database.isReachable()) {
            throw ApiError.unavailable("the database does not answer", null);
        }
        delivery.stalledFor().ifPresent(stalled -> {
            throw ApiError.unavailable(
                    "event delivery has made no progress for " + stalled.toSeconds()
                            + " s (the database does not answer its reads); events wait in the outbox",
                    null);
        });
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
