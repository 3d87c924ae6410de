package io.aihub.server.http;

import io.aihub.protocol.ApiError;
import io.netty.channel.Channel;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounds the public ports' connections in number and in time, so that connections that send nothing,
 * or trickle their headers or body, cannot hold the hub's file descriptors or memory.
 *
 * <ul>
 *   <li>A connection waiting for a request (just opened, between keep-alive requests, or still
 *       receiving headers: the server sees a request only once its headers are complete) is closed
 *       after {@link HttpLimits#idleTimeout()}.
 *   <li>A request whose body has not arrived within {@link HttpLimits#bodyTimeout()} of its headers gets
 *       {@code 408} and its connection is closed.
 *   <li>{@link HttpLimits#maxConnections()} connections may be open, Socket.IO connections handed over
 *       included. A connection past the limit makes room by closing the one that has waited longest for a
 *       request; if every connection is busy, the new one is closed. A client that sends its request at
 *       once (every real one) is served even while the limit is full of idle connections.
 * </ul>
 *
 * An evicted connection still counts until its event loop has closed it, so in a burst of new
 * connections the count passes the limit by the evictions still pending; and the guard sees a connection
 * only once an event loop has taken it from the acceptor, so more are accepted than it counts, refused
 * ones included until they are closed. {@link HttpLimits} keeps descriptors in reserve for both. Should the process run out all the same, Netty stops accepting for a second
 * (the kernel keeps new connections waiting in its backlog) while the evicted ones close.
 *
 * Deadlines are checked once a second. Methods are called from the connections' event loops and the
 * check from a timer, so the bookkeeping is guarded by this object's lock; connections are closed and
 * answered on their own event loops.
 */
public final class ConnectionGuard implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionGuard.class);
    private static final long CHECK_EVERY_MS = 1000;

    private enum Phase {
        AWAITING_REQUEST,
        READING_BODY,
        HANDLING,
        CLOSING
    }

    private static final class Tracked {
        final HttpConnection connection;
        final Context context;
        Phase phase = Phase.AWAITING_REQUEST;
        long sinceNanos;
        int inFlight;
        HttpServerRequest reading;

        Tracked(HttpConnection connection, Context context, long now) {
            this.connection = connection;
            this.context = context;
            this.sinceNanos = now;
        }
    }

    private final HttpLimits limits;
    private final Vertx vertx;
    private final Map<HttpConnection, Tracked> open = new HashMap<>();
    /**
     * Connections handed over to Socket.IO, counted until their channels close. Only counted: keeping
     * their Vert.x connection objects (with the upgrade request, its headers and its queues) would cost
     * some 5 KiB of heap per socket for nothing.
     */
    private int handedOver;
    /** Connections waiting for a request, the longest-waiting first. */
    private final LinkedHashMap<HttpConnection, Tracked> awaiting = new LinkedHashMap<>();

    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong evicted = new AtomicLong();
    private final AtomicLong timedOut = new AtomicLong();
    private final long timer;

    public ConnectionGuard(Vertx vertx, HttpLimits limits) {
        this.vertx = vertx;
        this.limits = limits;
        this.timer = vertx.setPeriodic(CHECK_EVERY_MS, id -> checkDeadlines());
    }

    /** A connection was opened (on its event loop). */
    public void opened(HttpConnection connection) {
        Tracked evict = null;
        boolean admitted;
        synchronized (this) {
            if (openNow() >= limits.maxConnections()) {
                Iterator<Tracked> oldest = awaiting.values().iterator();
                if (oldest.hasNext()) {
                    evict = oldest.next();
                    closing(evict);
                }
            }
            // Refusing the new connection instead would free no descriptor sooner: both are accepted already,
            // and one of them is closed either way. The evicted one stays counted until its event loop has
            // closed it.
            admitted = openNow() < limits.maxConnections() || evict != null;
            if (admitted) {
                Tracked tracked = new Tracked(connection, Vertx.currentContext(), System.nanoTime());
                open.put(connection, tracked);
                awaiting.put(connection, tracked);
            }
        }
        if (evict != null) {
            evicted.incrementAndGet();
            close(evict);
        }
        if (!admitted) {
            if (refused.incrementAndGet() % 1000 == 1) {
                LOG.warn(
                        "{} open connections, all busy: refusing new ones (HUB_MAX_CONNECTIONS; {} refused so far)",
                        limits.maxConnections(),
                        refused.get());
            }
            connection.close();
            return;
        }
        connection.closeHandler(closed -> closed(connection));
    }

    /** A request's headers arrived: its body is due within the body timeout. */
    public void requestStarted(HttpServerRequest request) {
        synchronized (this) {
            Tracked tracked = open.get(request.connection());
            if (tracked != null && tracked.phase != Phase.CLOSING) {
                awaiting.remove(tracked.connection);
                tracked.inFlight++;
                tracked.phase = Phase.READING_BODY;
                tracked.reading = request;
                tracked.sinceNanos = System.nanoTime();
            }
        }
    }

    /** The request's body has arrived (or it had none): the hub handles it, with no deadline of this guard's. */
    public synchronized void bodyReceived(HttpServerRequest request) {
        Tracked tracked = open.get(request.connection());
        if (tracked != null && tracked.phase == Phase.READING_BODY) {
            tracked.phase = Phase.HANDLING;
            tracked.reading = null;
        }
    }

    /** The request was answered: the connection waits for the next one, within the idle timeout. */
    public synchronized void requestEnded(HttpServerRequest request) {
        Tracked tracked = open.get(request.connection());
        if (tracked != null && tracked.phase != Phase.CLOSING && --tracked.inFlight <= 0) {
            tracked.inFlight = 0;
            tracked.phase = Phase.AWAITING_REQUEST;
            tracked.reading = null;
            tracked.sinceNanos = System.nanoTime();
            awaiting.put(tracked.connection, tracked);
        }
    }

    /**
     * The connection now carries a Socket.IO socket: it still counts against the limit until its
     * channel closes, but the socket's own rules (authentication deadline, pings) govern it.
     */
    public void handedOver(HttpServerRequest upgrade, Channel channel) {
        synchronized (this) {
            Tracked tracked = open.get(upgrade.connection());
            if (tracked == null) {
                return; // closed meanwhile
            }
            if (tracked.phase != Phase.CLOSING) {
                open.remove(tracked.connection);
                awaiting.remove(tracked.connection);
                handedOver++;
                channel.closeFuture().addListener(closed -> handedOverClosed());
                return;
            }
        }
        // Being closed by this guard: counted as before until its channel closes (with Vert.x's handlers
        // gone, the connection's own close handler would not run).
        HttpConnection closing = upgrade.connection();
        channel.closeFuture().addListener(closed -> closed(closing));
    }

    private synchronized void handedOverClosed() {
        handedOver--;
    }

    /** What the guard has done so far, and how many connections are open now (Socket.IO ones included). */
    public record Counts(int open, long refused, long evicted, long timedOut) {}

    public Counts counts() {
        synchronized (this) {
            return new Counts(openNow(), refused.get(), evicted.get(), timedOut.get());
        }
    }

    private int openNow() {
        return open.size() + handedOver;
    }

    private synchronized void closed(HttpConnection connection) {
        open.remove(connection);
        awaiting.remove(connection);
    }

    /** The connection is being closed: no deadline or eviction applies to it any more, but it counts until it is closed. */
    private void closing(Tracked tracked) {
        awaiting.remove(tracked.connection);
        tracked.phase = Phase.CLOSING;
        tracked.reading = null;
    }

    private void checkDeadlines() {
        long now = System.nanoTime();
        List<Tracked> idle = new ArrayList<>();
        List<Tracked> slowBodies = new ArrayList<>();
        synchronized (this) {
            for (Tracked tracked : awaiting.values()) {
                if (now - tracked.sinceNanos < limits.idleTimeout().toNanos()) {
                    break; // the longest-waiting first: the rest waited less
                }
                idle.add(tracked);
            }
            for (Tracked tracked : open.values()) {
                if (tracked.phase == Phase.READING_BODY
                        && now - tracked.sinceNanos >= limits.bodyTimeout().toNanos()) {
                    slowBodies.add(tracked);
                }
            }
            slowBodies.forEach(tracked -> tracked.phase = Phase.CLOSING); // answered 408 below, then closed
            idle.forEach(this::closing);
        }
        timedOut.addAndGet(idle.size() + slowBodies.size());
        idle.forEach(ConnectionGuard::close);
        for (Tracked tracked : slowBodies) {
            HttpServerRequest request = tracked.reading;
            runOn(tracked, () -> {
                try {
                    if (request != null && !request.response().headWritten()) {
                        ErrorReplies.send(
                                request.response().putHeader("Connection", "close"),
                                new ApiError(
                                        ApiError.Kind.REQUEST_TIMEOUT,
                                        "the request's body did not arrive within "
                                                + limits.bodyTimeout().toSeconds()
                                                + " s of its headers (HUB_BODY_TIMEOUT_SECONDS)"));
                    }
                } catch (RuntimeException answeredMeanwhile) {
                    // its handler began the answer at the deadline: the connection closes all the same
                } finally {
                    tracked.connection.close();
                }
            });
        }
    }

    private static void close(Tracked tracked) {
        runOn(tracked, tracked.connection::close);
    }

    private static void runOn(Tracked tracked, Runnable action) {
        if (tracked.context != null) {
            tracked.context.runOnContext(unused -> action.run());
        } else {
            action.run();
        }
    }

    @Override
    public void close() {
        vertx.cancelTimer(timer);
    }
}
