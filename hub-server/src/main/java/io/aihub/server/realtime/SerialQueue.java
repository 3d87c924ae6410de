package io.aihub.server.realtime;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one socket's work in arrival order, and holds back its sender when too much waits: past {@code
 * limit} tasks waiting it asks {@code reading} to stop reading from the socket, and to read again once
 * half of them have ended. So a socket that sends faster than its events are handled queues a bounded
 * amount of work, and the rest waits in its client and in TCP.
 *
 * <p>Tasks that may block on the database run on the executor (virtual threads), off the network
 * threads. A task may end later than it returns: it returns a stage, and the socket's next task waits
 * for that stage. A task that needs no blocking call to start runs on the network thread: on the thread
 * that submits it when nothing of the socket's waits, so that no thread is woken for it.
 */
final class SerialQueue {
    private static final Logger LOG = LoggerFactory.getLogger(SerialQueue.class);
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    private final Executor executor;
    private final Executor network;
    private final int limit;
    private final Consumer<Boolean> reading;
    /** Completes when the last task submitted has ended; never fails. */
    private CompletableFuture<Void> tail = DONE;

    private int waiting;
    private boolean heldBack;

    /**
     * @param executor runs the tasks that may block
     * @param network  runs the tasks that need no blocking call to start when they have waited for
     *                 others: the socket's network thread
     */
    SerialQueue(Executor executor, Executor network, int limit, Consumer<Boolean> reading) {
        this.executor = executor;
        this.network = network;
        this.limit = limit;
        this.reading = reading;
    }

    /** Runs {@code task}, which may block, on the executor once the socket's earlier tasks have ended. */
    void submit(Runnable task) {
        submit(
                () -> {
                    task.run();
                    return DONE;
                },
                false);
    }

    /**
     * Runs {@code task} once the socket's earlier tasks have ended, and ends it when the stage it returns
     * completes. With {@code startHere} it needs no blocking call to start: when nothing of the socket's
     * waits, it runs at once on this thread, and otherwise on the network thread once its turn comes.
     * Without, it runs on the executor.
     */
    void submit(Supplier<? extends CompletionStage<?>> task, boolean startHere) {
        CompletableFuture<Void> ended = new CompletableFuture<>();
        CompletableFuture<Void> previous;
        synchronized (this) {
            if (++waiting > limit && !heldBack) {
                heldBack = true;
                reading.accept(false);
            }
            previous = tail;
            tail = ended;
        }
        if (startHere && previous.isDone()) {
            run(task, ended);
            return;
        }
        Executor runOn = startHere ? network : executor;
        previous.whenComplete((ignored, never) -> {
            try {
                runOn.execute(() -> run(task, ended));
            } catch (RuntimeException refused) { // the gateway is closing (rejected): nothing more runs
                if (!(refused instanceof RejectedExecutionException)) {
                    LOG.error("socket task could not be started", refused);
                }
                ended(ended);
            }
        });
    }

    private void run(Supplier<? extends CompletionStage<?>> task, CompletableFuture<Void> ended) {
        CompletionStage<?> running;
        try {
            running = task.get();
        } catch (Throwable failure) { // Errors too: the socket's next task must not wait for ever
            running = CompletableFuture.failedFuture(failure);
        }
        running.whenComplete((ignored, failure) -> {
            try {
                if (failure != null) {
                    LOG.error("socket task failed", failure);
                }
            } finally {
                ended(ended);
            }
        });
    }

    /** A task has ended: the socket's next one may run, whatever happens here. */
    private void ended(CompletableFuture<Void> ended) {
        try {
            synchronized (this) {
                if (--waiting <= limit / 2 && heldBack) {
                    heldBack = false;
                    reading.accept(true);
                }
            }
        } finally {
            ended.complete(null);
        }
    }
}
