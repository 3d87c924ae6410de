package io.aihub.store;

import io.aihub.protocol.ApiError;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Writer threads that take waiting requests off a queue in batches (all that are waiting, up to a
 * limit) and hand each batch to a writer, which answers every request in it. A caller waits for its
 * own answer. A lone request is a batch of one and waits for nothing but the batch in progress.
 *
 * @param <R> a request, which carries the future its answer goes to
 */
public final class Batches<R extends Batches.Request<?>> implements AutoCloseable {
    /** A request to write, answered through {@link #answer()}. */
    public interface Request<A> {
        CompletableFuture<A> answer();
    }

    /** How often an idle writer looks whether it should stop. */
    private static final long IDLE_CHECK_MS = 100;

    private final BlockingQueue<R> waiting = new LinkedBlockingQueue<>();
    private final List<Thread> writers = new ArrayList<>();
    private final int maxBatch;
    private final Consumer<List<R>> write;
    private volatile boolean closed;

    /**
     * @param name     the writer threads' name prefix
     * @param threads  how many batches may be written at once (each holds a connection meanwhile)
     * @param maxBatch the most requests one batch takes
     * @param write    writes a batch and completes every request's answer
     */
    public Batches(String name, int threads, int maxBatch, Consumer<List<R>> write) {
        this.maxBatch = maxBatch;
        this.write = write;
        for (int i = 1; i <= threads; i++) {
            writers.add(Thread.ofPlatform().name(name + "-" + i).daemon().start(this::writeBatches));
        }
    }

    /** Queues the request and waits for its answer; a refusal is thrown as it was given. */
    public <A> A submit(R request, CompletableFuture<A> answer) {
        waiting.add(request);
        if (closed && waiting.remove(request)) { // closed meanwhile: no writer will take it
            throw ApiError.unavailable("the hub is shutting down", null);
        }
        try {
            return answer.get();
        } catch (ExecutionException failed) {
            throw refusal(failed.getCause());
        } catch (InterruptedException e) {
            if (waiting.remove(request)) {
                Thread.currentThread().interrupt();
                throw ApiError.unavailable("interrupted while waiting for the database", e);
            }
            // A writer has it already: answer with what it did, never with a refusal for work that happened.
            try {
                return answer.join();
            } catch (CompletionException failed) {
                throw refusal(failed.getCause());
            } finally {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Requests waiting for a writer, for tests. */
    int queued() {
        return waiting.size();
    }

    private static RuntimeException refusal(Throwable cause) {
        return cause instanceof RuntimeException refusal ? refusal : new IllegalStateException(cause);
    }

    private void writeBatches() {
        while (!closed) {
            List<R> batch = new ArrayList<>();
            try {
                R first = waiting.poll(IDLE_CHECK_MS, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
            } catch (InterruptedException e) {
                break;
            }
            waiting.drainTo(batch, maxBatch - 1);
            try {
                write.accept(batch);
            } catch (RuntimeException | Error bug) { // never leave a caller waiting
                batch.forEach(request -> request.answer().completeExceptionally(bug));
            }
        }
    }

    /**
     * Stops taking requests: a batch being written is finished (its callers get their real answers,
     * nothing is interrupted), those still waiting are refused with 503.
     */
    @Override
    public void close() {
        closed = true;
        for (Thread writer : writers) {
            try {
                writer.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        for (R left; (left = waiting.poll()) != null; ) {
            left.answer().completeExceptionally(ApiError.unavailable("the hub is shutting down", null));
        }
    }
}
