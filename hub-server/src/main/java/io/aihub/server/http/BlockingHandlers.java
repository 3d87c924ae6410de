package io.aihub.server.http;

import io.aihub.protocol.ApiError;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.Semaphore;

/**
 * Runs route handlers, which block on the database, on Vert.x's worker threads (unordered: requests do
 * not wait for each other), at most {@link #MAX_WAITING} of them running or waiting at once: past that
 * a request gets 503 with {@code Retry-After} rather than joining a queue that would hold it, and its
 * body, without bound. A request's body stays reserved ({@link BodyBudget}) until its handler is done.
 */
public final class BlockingHandlers {
    /** Far more than the worker threads (the pool size and a few): a burst waits, a flood is refused. */
    static final int MAX_WAITING = 1024;

    private static final int RETRY_AFTER_SECONDS = 1;

    private final Semaphore slots = new Semaphore(MAX_WAITING);

    /** The route handler that runs {@code handler} on a worker thread; what it throws goes to the failure handler. */
    public Handler<RoutingContext> of(Handler<RoutingContext> handler) {
        return ctx -> {
            if (!BodyBudget.holdFor(ctx)) {
                return; // the request is over already (its connection closed): nobody waits for an answer
            }
            if (!slots.tryAcquire()) {
                BodyBudget.releaseFor(ctx);
                ctx.fail(ApiError.busy(
                        "the hub has " + MAX_WAITING + " requests waiting already; retry shortly",
                        RETRY_AFTER_SECONDS));
                return;
            }
            ctx.vertx()
                    .<Void>executeBlocking(
                            () -> {
                                handler.handle(ctx);
                                return null;
                            },
                            false)
                    .onComplete(done -> {
                        slots.release();
                        BodyBudget.releaseFor(ctx);
                    })
                    .onFailure(ctx::fail);
        };
    }
}
