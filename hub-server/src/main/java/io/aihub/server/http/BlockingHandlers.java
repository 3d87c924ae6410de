package io.aihub.server.http;

import io.aihub.protocol.ApiError;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Runs route handlers, which block on the database, on Vert.x's worker threads (unordered: requests do
 * not wait for each other), at most {@link #MAX_WAITING} of them running or waiting at once: past that
 * a request gets 503 with {@code Retry-After} rather than joining a queue that would hold it, and its
 * body, without bound. A request's body stays reserved ({@link BodyBudget}) until its handler is done.
 *
 * <p>A handler that hands its write to a writer thread ({@link #deferred}) does not hold its worker
 * while the write waits for its batch: the answer comes back to the request's event loop, which replies.
 * When starting such a request needs no database (the hub's predicate says so), it starts on the event
 * loop itself, and no worker is woken at all.
 */
public final class BlockingHandlers {
    /** Far more than the worker threads (the pool size and a few): a burst waits, a flood is refused. */
    static final int MAX_WAITING = 1024;

    private static final int RETRY_AFTER_SECONDS = 1;

    private final Semaphore slots = new Semaphore(MAX_WAITING);
    private final Predicate<RoutingContext> startsOnEventLoop;

    /**
     * @param startsOnEventLoop whether a {@link #deferred} request can be started on its event loop,
     *                          because starting it needs no database and little work (a small body)
     */
    public BlockingHandlers(Predicate<RoutingContext> startsOnEventLoop) {
        this.startsOnEventLoop = startsOnEventLoop;
    }

    /** The route handler that runs {@code handler} on a worker thread; what it throws goes to the failure handler. */
    public Handler<RoutingContext> of(Handler<RoutingContext> handler) {
        return ctx -> {
            if (!hold(ctx)) {
                return;
            }
            ctx.vertx()
                    .<Void>executeBlocking(
                            () -> {
                                handler.handle(ctx);
                                return null;
                            },
                            false)
                    .onComplete(done -> release(ctx))
                    .onFailure(ctx::fail);
        };
    }

    /**
     * The route handler that runs {@code start} on a worker thread (or on the event loop, when the hub's
     * predicate says starting this request needs no database), which returns as soon as the work is
     * handed on, and then {@code reply} with its answer on the request's event loop. The worker is free
     * meanwhile, and the answer goes from the thread that gives it straight to the event loop. What
     * either throws, and a refusal the answer carries, goes to the failure handler.
     */
    public <T> Handler<RoutingContext> deferred(
            Function<RoutingContext, CompletionStage<T>> start, BiConsumer<RoutingContext, T> reply) {
        return ctx -> {
            boolean onEventLoop = startsOnEventLoop.test(ctx); // before the slot: it holds nothing yet
            if (!hold(ctx)) {
                return;
            }
            Context eventLoop = ctx.vertx().getOrCreateContext();
            if (onEventLoop) {
                begin(ctx, eventLoop, start, reply);
                return;
            }
            ctx.vertx()
                    .executeBlocking(
                            () -> { // nothing waits for this future: its answer would cost a hop
                                begin(ctx, eventLoop, start, reply);
                                return null;
                            },
                            false);
        };
    }

    /** Runs {@code start}, and has its answer or refusal replied on the request's event loop. */
    private <T> void begin(
            RoutingContext ctx,
            Context eventLoop,
            Function<RoutingContext, CompletionStage<T>> start,
            BiConsumer<RoutingContext, T> reply) {
        try {
            start.apply(ctx)
                    .whenComplete((answer, refused) -> onEventLoop(eventLoop, ctx, () -> {
                        if (refused != null) {
                            ctx.fail(refused instanceof CompletionException wrapped ? wrapped.getCause() : refused);
                        } else {
                            reply.accept(ctx, answer);
                        }
                    }));
        } catch (Throwable refused) {
            // Errors too: the request must be answered and its slot given back.
            onEventLoop(eventLoop, ctx, () -> ctx.fail(refused));
        }
    }

    /** Gives the slot back and runs {@code finish} on the request's event loop; what it throws fails the request. */
    private void onEventLoop(Context eventLoop, RoutingContext ctx, Runnable finish) {
        try {
            eventLoop.runOnContext(on -> {
                release(ctx);
                try {
                    finish.run();
                } catch (Throwable failed) {
                    ctx.fail(failed);
                }
            });
        } catch (RuntimeException closed) { // the event loop is shutting down: no reply can be written now
            release(ctx);
        }
    }

    /** Requests running or waiting now. */
    int inUse() {
        return MAX_WAITING - slots.availablePermits();
    }

    /** Reserves a slot and the request's body; false when the request cannot go on (answered, or gone). */
    private boolean hold(RoutingContext ctx) {
        if (!BodyBudget.holdFor(ctx)) {
            return false; // the request is over already (its connection closed): nobody waits for an answer
        }
        if (!slots.tryAcquire()) {
            BodyBudget.releaseFor(ctx);
            ctx.fail(ApiError.busy(
                    "the hub has " + MAX_WAITING + " requests waiting already; retry shortly", RETRY_AFTER_SECONDS));
            return false;
        }
        return true;
    }

    private void release(RoutingContext ctx) {
        slots.release();
        BodyBudget.releaseFor(ctx);
    }
}
