package io.aihub.server.http;

import java.lang.management.ManagementFactory;
import java.time.Duration;

/**
 * What one HTTP connection and one request may take of the hub, so that no client, signed in or not,
 * can hold its memory or its file descriptors.
 *
 * @param maxBodyBytes         a request body larger than this gets 413
 * @param maxBufferedBodyBytes all request bodies being read at once, together; past it a request gets 503
 * @param maxConnections       open connections (HTTP and Socket.IO); past it the connection that has
 *                             waited longest for its next request is closed, or, with none, the new one
 * @param idleTimeout          a connection waiting this long for a request (or for the rest of its headers)
 *                             is closed
 * @param bodyTimeout          a request whose body has not arrived this long after its headers gets 408
 */
public record HttpLimits(
        int maxBodyBytes, long maxBufferedBodyBytes, int maxConnections, Duration idleTimeout, Duration bodyTimeout) {

    public static final int DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
    public static final long DEFAULT_MAX_BUFFERED_BODY_BYTES = 64L * 1024 * 1024;
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_BODY_TIMEOUT = Duration.ofSeconds(30);
    /**
     * Descriptors kept for the database pool, the LISTEN connection, jars and logs, for connections
     * accepted in a burst before the hub has counted them, and for those still being closed to make room
     * for new ones ({@link ConnectionGuard}): a quarter of the limit, 128 to 4096.
     */
    private static int reservedDescriptors(long limit) {
        return (int) Math.max(128, Math.min(4096, limit / 4));
    }

    public HttpLimits {
        if (maxBodyBytes < 1024) {
            throw new IllegalArgumentException("maxBodyBytes must be at least 1024, got " + maxBodyBytes);
        }
        if (maxBufferedBodyBytes < maxBodyBytes) {
            throw new IllegalArgumentException("maxBufferedBodyBytes must hold at least one body of maxBodyBytes");
        }
        if (maxConnections < 1
                || idleTimeout.isNegative()
                || idleTimeout.isZero()
                || bodyTimeout.isNegative()
                || bodyTimeout.isZero()) {
            throw new IllegalArgumentException("maxConnections and the timeouts must be positive");
        }
    }

    /** The defaults, with as many connections as the process's descriptor limit leaves room for. */
    public static HttpLimits defaults() {
        return new HttpLimits(
                DEFAULT_MAX_BODY_BYTES,
                DEFAULT_MAX_BUFFERED_BODY_BYTES,
                defaultMaxConnections(),
                DEFAULT_IDLE_TIMEOUT,
                DEFAULT_BODY_TIMEOUT);
    }

    /**
     * The process's open-files limit less what the hub needs besides connections (at least 64): a
     * connection refused by the hub costs less than one the kernel cannot accept (1,024 descriptors
     * allow 768 connections; 65,536 allow 61,440).
     */
    public static int defaultMaxConnections() {
        long descriptors = ManagementFactory.getOperatingSystemMXBean()
                        instanceof com.sun.management.UnixOperatingSystemMXBean unix
                ? unix.getMaxFileDescriptorCount()
                : 65_536;
        return (int) Math.max(64, Math.min(1_000_000, descriptors - reservedDescriptors(descriptors)));
    }

    public HttpLimits withMaxBodyBytes(int bytes) {
        return new HttpLimits(bytes, Math.max(bytes, maxBufferedBodyBytes), maxConnections, idleTimeout, bodyTimeout);
    }
}
