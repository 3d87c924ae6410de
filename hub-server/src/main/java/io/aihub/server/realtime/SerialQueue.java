package io.aihub.server.realtime;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one socket's work in arrival order, off the network threads (handlers may block on the
 * database), and holds back its sender when too much waits: past {@code limit} tasks waiting it asks
 * {@code reading} to stop reading from the socket, and to read again once half of them have run. So a
 * socket that sends faster than its events are handled queues a bounded amount of work, and the rest
 * waits in its client and in TCP.
 */
final class SerialQueue {
    private static final Logger LOG = LoggerFactory.getLogger(SerialQueue.class);

    private final Executor executor;
    private final int limit;
    private final Consumer<Boolean> reading;
    private CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);
    private int waiting;
    private boolean heldBack;

    SerialQueue(Executor executor, int limit, Consumer<Boolean> reading) {
        this.executor = executor;
        this.limit = limit;
        this.reading = reading;
    }

    synchronized void submit(Runnable task) {
        if (++waiting > limit && !heldBack) {
            heldBack = true;
            reading.accept(false);
        }
        tail = tail.thenRunAsync(
                        () -> {
                            try {
                                task.run();
                            } finally {
                                ran();
                            }
                        },
                        executor)
                .exceptionally(failure -> {
                    LOG.error("socket task failed", failure);
                    return null;
                });
    }

    private synchronized void ran() {
        if (--waiting <= limit / 2 && heldBack) {
            heldBack = false;
            reading.accept(true);
        }
    }
}
