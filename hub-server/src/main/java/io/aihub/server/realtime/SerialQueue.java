package io.aihub.server.realtime;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs one socket's work in arrival order, off the network threads (handlers may block on the database). */
final class SerialQueue {
    private static final Logger LOG = LoggerFactory.getLogger(SerialQueue.class);

    private final Executor executor;
    private CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);

    SerialQueue(Executor executor) {
        this.executor = executor;
    }

    synchronized void submit(Runnable task) {
        tail = tail.thenRunAsync(task, executor).exceptionally(failure -> {
            LOG.error("socket task failed", failure);
            return null;
        });
    }
}
