package io.aihub.server.http;

import io.aihub.protocol.ApiError;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Bounds the memory held by request bodies being read, all requests together: before a body is read,
 * its size (its {@code Content-Length}, or the per-request limit for a chunked body) is taken from a
 * budget of {@link HttpLimits#maxBufferedBodyBytes()}, and given back when the request ends. A request
 * the budget cannot take now gets 503 with {@code Retry-After}, before its body is read.
 */
public final class BodyBudget implements Handler<RoutingContext> {
    private static final int RETRY_AFTER_SECONDS = 1;

    private final HttpLimits limits;
    private final AtomicLong available;

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
            if (!take(size)) {
                throw ApiError.busy(
                        "the hub is reading too many request bodies at once; retry shortly", RETRY_AFTER_SECONDS);
            }
            ctx.addEndHandler(ended -> available.addAndGet(size));
        }
        ctx.next();
    }

    /** Bytes the budget holds for bodies not being read now. */
    public long available() {
        return available.get();
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
