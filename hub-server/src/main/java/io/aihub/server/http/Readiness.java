package io.aihub.server.http;

import java.util.Optional;

/**
 * Whether this node should be sent traffic: not while it starts (waiting for the database, migrating
 * it, wiring the rest), nor once it drains for shutdown. What {@code GET /health/ready} answers; the
 * process is live all along ({@code GET /health/live}).
 */
public final class Readiness {
    private volatile String notReady = "starting";

    /** Still starting, doing {@code what}. */
    public void starting(String what) {
        notReady = "starting: " + what;
    }

    public void ready() {
        notReady = null;
    }

    /** Shutting down: from now on, for good, not ready. */
    public void draining() {
        notReady = "draining: the hub is shutting down; send requests to another node";
    }

    /** Why this node is not ready, or empty when it is. */
    public Optional<String> notReady() {
        return Optional.ofNullable(notReady);
    }
}
