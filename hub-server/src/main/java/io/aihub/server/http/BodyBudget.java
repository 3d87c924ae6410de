package io.aihub.server.http;

import io.aihub.protocol.ApiError;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Bounds the memory held by request bodies being read: before a body is read, its size (its {@code
 * Content-Length}, or the per-request limit for a chunked body) is taken from a budget of {@link
 * HttpLimits#maxBufferedBodyBytes()} for all requests together, and from one of {@link #PER_SENDER}
 * bodies' worth for the key that sent it, and given back when the request ends. A request either
 * budget cannot take now gets 503 with {@code Retry-After}, before its body is read: one tenant's
 * flood of large bodies waits on its own share, not on everyone's.
 */
public final class BodyBudget implements Handler<RoutingContext> {
    private static final int RETRY_AFTER_SECONDS = 1;
    /** How many bodies of the largest size one sender may have read at once. */
    static final int PER_SENDER = 4;

    private final HttpLimits limits;
    private final AtomicLong available;
    private final ConcurrentHashMap<String, Long> bySender = new ConcurrentHashMap<>();

    public BodyBudget(HttpLimits limits) {
        this.limits = limits;
        this.available = new AtomicLong(limits.maxBufferedBodyBytes());
    }

    @Override
    public void handle(RoutingContext ctx) {
        long size = expectedSize(ctx.request());
        if (size > limits.maxBodyBytes()) {
            throw ErrorReplies.tooLarge(limits.maxBodyBytes());
        }
        if (size > 0) {
            String sender = ctx.get(CredentialGate.SENDER, "anonymous");
            if (!takeForSender(sender, size)) {
                throw ApiError.busy(
                        "this key has " + PER_SENDER + " large request bodies being read already; retry shortly",
                        RETRY_AFTER_SECONDS);
            }
            if (!take(size)) {
                giveBackForSender(sender, size);
                throw ApiError.busy(
                        "the hub is reading too many request bodies at once; retry shortly", RETRY_AFTER_SECONDS);
            }
            ctx.addEndHandler(ended -> {
                available.addAndGet(size);
                giveBackForSender(sender, size);
            });
        }
        ctx.next();
    }

    /** Bytes the budget holds for bodies not being read now. */
    public long available() {
        return available.get();
    }

    private boolean takeForSender(String sender, long size) {
        long share = (long) PER_SENDER * limits.maxBodyBytes();
        boolean[] taken = {false};
        bySender.compute(sender, (key, held) -> {
            long now = held == null ? 0 : held;
            taken[0] = now + size <= share;
            return taken[0] ? Long.valueOf(now + size) : held;
        });
        return taken[0];
    }

    private void giveBackForSender(String sender, long size) {
        bySender.computeIfPresent(sender, (key, held) -> held - size > 0 ? held - size : null);
    }

    private boolean take(long size) {
        for (long left = available.get(); left >= size; left = available.get()) {
            if (available.compareAndSet(left, left - size)) {
                return true;
            }
        }
        return false;
    }

    private long expectedSize(HttpServerRequest request) {
        String length = request.getHeader("Content-Length");
        if (length != null) {
            try {
                return Math.max(0, Long.parseLong(length.strip()));
            } catch (NumberFormatException e) {
                throw ApiError.badRequest("Content-Length must be a number of bytes, not '" + length + "'");
            }
        }
        return request.getHeader("Transfer-Encoding") != null ? limits.maxBodyBytes() : 0;
    }
}
