package io.aihub.server.http;

import io.aihub.protocol.ApiError;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
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
            Reservation reservation = new Reservation(sender, size);
            ctx.put(RESERVATION, reservation);
            ctx.addEndHandler(ended -> release(reservation));
        }
        ctx.next();
    }

    private static final String RESERVATION = "aihub.body-reservation";

    /**
     * A body's share of the budget, held by the request (until it ends) and by its handler (until it is
     * done, as it may still hold the body after the connection closed); given back when both let go.
     */
    private final class Reservation {
        final String sender;
        final long size;
        final AtomicInteger holders = new AtomicInteger(1);

        Reservation(String sender, long size) {
            this.sender = sender;
            this.size = size;
        }

        BodyBudget owner() {
            return BodyBudget.this;
        }
    }

    /** The handler of {@code ctx} takes hold of its body's reservation; false if the request is over already. */
    static boolean holdFor(RoutingContext ctx) {
        Reservation reservation = ctx.get(RESERVATION);
        if (reservation == null) {
            return true;
        }
        for (int holders = reservation.holders.get(); holders > 0; holders = reservation.holders.get()) {
            if (reservation.holders.compareAndSet(holders, holders + 1)) {
                return true;
            }
        }
        return false;
    }

    /** The handler of {@code ctx} is done with its body. */
    static void releaseFor(RoutingContext ctx) {
        Reservation reservation = ctx.get(RESERVATION);
        if (reservation != null) {
            reservation.owner().release(reservation);
        }
    }

    private void release(Reservation reservation) {
        if (reservation.holders.decrementAndGet() == 0) {
            available.addAndGet(reservation.size);
            giveBackForSender(reservation.sender, reservation.size);
        }
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
