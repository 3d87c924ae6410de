package io.aihub.server.http;

import io.aihub.protocol.ApiError;
import io.vertx.core.http.HttpServerRequest;
import java.util.Map;

/**
 * What the public port answers while the hub starts, before its routes exist: {@code /health/live}
 * says it is alive, {@code /health/ready} and everything else say it is not ready yet (503 with
 * {@code Retry-After}), so a load balancer or an orchestrator can tell a hub that is migrating a
 * large database from one that hangs.
 */
public final class StartingReplies {
    private final Readiness readiness;

    public StartingReplies(Readiness readiness) {
        this.readiness = readiness;
    }

    public void handle(HttpServerRequest request) {
        if (request.path().equals(SystemRoutes.LIVE)) {
            Replies.json(request.response(), 200, Map.of("status", "live"));
            return;
        }
        String why = readiness.notReady().orElse("starting");
        ErrorReplies.send(request.response(), ApiError.busy(why, 1));
    }
}
