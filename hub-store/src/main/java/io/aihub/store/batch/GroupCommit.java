package io.aihub.store.batch;

import io.aihub.protocol.ApiError;
import io.aihub.store.jdbc.Database;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * Group commit: requests that arrive while a batch is being written wait together in a bounded
 * queue, and the next free writer thread takes all of them (up to a limit) as its next batch, so one
 * transaction, one COMMIT and one WAL flush serve them all. A caller gets its own answer (waiting for
 * it, or as a stage completed on the writer's thread, {@link #submitAsync}); a lone
 * request is a batch of one and waits for nothing but the batch in progress. A full queue refuses new
 * requests at once with a 503 and {@code Retry-After}: a burst costs its excess a retry, never the
 * heap. Reads that many callers make at once can share a batch the same way
 * (the joins' history reads: one statement for the batch).
 *
 * <p>When a batch fails, the rule is the same for every writer, and written only here:
 *
 * <ul>
 *   <li>the connection to the database is lost: every request of the batch gets that 503 at once (its
 *       neighbours would meet the same fate, one after another); so does a failure after the batch's
 *       transaction had committed ({@link Database.FailedAfterCommit}): what it wrote is in;
 *   <li>the writer names the request that was refused ({@link Refused}, such as a 404 or a value the
 *       database cannot store): that request gets its refusal, and the others are written again
 *       together; if one of them is refused again, it gets its answer and the rest are written one per
 *       transaction. However many bad requests share a batch, no other request is written more than
 *       three times, and a refusal never depends on a request's neighbours;
 *   <li>anything else (a failure no request can be blamed for, at the start or at the commit): the
 *       requests are written one per transaction, so each gets its own answer.
 * </ul>
 *
 * @param <R> what a request carries
 * @param <A> the answer a request gets
 */
public final class GroupCommit<R, A> implements AutoCloseable {
    /**
     * Writes a batch in one transaction and, only once it has committed, answers every request of it
     * (through {@link Pending#answer()}, with a value or a refusal of that request alone). Throws if the
     * transaction failed: {@link Refused} when one request is to blame, anything else otherwise.
     */
    @FunctionalInterface
    public interface Writer<R, A> {
        void write(List<Pending<R, A>> batch);
    }

    /** A request waiting for its answer, since {@code queuedNanos} ({@link System#nanoTime()}). */
    public record Pending<R, A>(R request, CompletableFuture<A> answer, long queuedNanos) {}

    /**
     * What the writers have done since start, for metrics: batches written, the requests in them, and
     * the time those requests waited in the queue for a writer, in all.
     */
    public record Totals(long batches, long requests, long queuedNanos) {}

    /** A batch's transaction failed because of the request at {@code index}, refused with the cause. */
    public static final class Refused extends RuntimeException {
        private final int index;
        private final RuntimeException refusal;

        public Refused(int index, RuntimeException refusal) {
            super(refusal.getMessage(), refusal, false, false);
            this.index = index;
            this.refusal = refusal;
        }

        /** The place in the batch of the request to blame. */
        public int index() {
            return index;
        }

        /** What that request is refused with. */
        public RuntimeException refusal() {
            return refusal;
        }

        /**
         * A failure of statements written for {@code requests} requests at once: only one request alone
         * can be blamed for it (index 0); for more it stays unblamed, and they are written again one per
         * transaction.
         */
        public static RuntimeException ifAlone(int requests, RuntimeException failure) {
            return requests == 1 ? new Refused(0, failure) : failure;
        }

        /** The same refusal, in a batch where the request at this one's index stands at {@code places}. */
        public Refused placedAt(List<Integer> places) {
            return new Refused(places.get(index), refusal);
        }
    }

    /** The settings of one group commit. */
    public record Settings(String name, int writers, int maxBatch, int maxWaiting) {
        public Settings {
            if (writers < 1 || maxBatch < 1 || maxWaiting < 1) {
                throw new IllegalArgumentException("writers, maxBatch and maxWaiting must be positive");
            }
        }
    }

    /** How often an idle writer looks whether it should stop. */
    private static final long IDLE_CHECK_MS = 100;
    /** What a refused caller is told to wait: a batch takes milliseconds, the queue drains in well under it. */
    private static final int RETRY_AFTER_SECONDS = 1;

    private final Settings settings;
    private final Writer<R, A> writer;
    private final BlockingQueue<Pending<R, A>> waiting;
    private final List<Thread> writers = new ArrayList<>();
    private final LongAdder batches = new LongAdder();
    private final LongAdder requests = new LongAdder();
    private final LongAdder queuedNanos = new LongAdder();
    private volatile boolean closed;

    public GroupCommit(Settings settings, Writer<R, A> writer) {
        this(settings, writer, new ArrayBlockingQueue<>(settings.maxWaiting()));
    }

    /** With the queue given: tests watch it to know when requests wait together. */
    GroupCommit(Settings settings, Writer<R, A> writer, BlockingQueue<Pending<R, A>> waiting) {
        this.settings = settings;
        this.writer = writer;
        this.waiting = waiting;
        for (int i = 1; i <= settings.writers(); i++) {
            writers.add(
                    Thread.ofPlatform().name(settings.name() + "-" + i).daemon().start(this::writeBatches));
        }
    }

    /** Queues the request and waits for its answer; a refusal is thrown as it was given. */
    public A submit(R request) {
        return await(submitAsync(request));
    }

    /**
     * Queues the request and returns at once with its answer to come, or already refused with a 503
     * when the queue is full. A writer thread completes it: what depends on it should move to a thread
     * of its own before doing real work, or the next batch waits for it.
     */
    public CompletionStage<A> submitAsync(R request) {
        CompletableFuture<A> answer = enqueue(request);
        return answer == null ? CompletableFuture.failedStage(busy()) : answer.minimalCompletionStage();
    }

    /**
     * Queues the request and returns at once with its answer to come, or, when the queue is full, has it
     * answered by {@code alone} on {@code aloneOn}: for reads, which a burst should slow down rather than
     * refuse. A writer thread completes the answer otherwise, as for {@link #submitAsync(Object)}.
     */
    public CompletionStage<A> submitAsync(R request, Function<R, A> alone, Executor aloneOn) {
        CompletableFuture<A> answer = enqueue(request);
        if (answer != null) {
            return answer.minimalCompletionStage();
        }
        try {
            return CompletableFuture.supplyAsync(() -> alone.apply(request), aloneOn);
        } catch (RejectedExecutionException closing) { // the executor is shutting down, and so is the hub
            return CompletableFuture.failedStage(shuttingDown());
        }
    }

    /** Queues the request: its answer to come (refused at once if closed meanwhile), or null when the queue is full. */
    private CompletableFuture<A> enqueue(R request) {
        Pending<R, A> pending = new Pending<>(request, new CompletableFuture<>(), System.nanoTime());
        if (!waiting.offer(pending)) {
            return null;
        }
        if (closed && waiting.remove(pending)) { // closed meanwhile: no writer will take it
            return CompletableFuture.failedFuture(shuttingDown());
        }
        return pending.answer();
    }

    /**
     * Waits for an answer a writer gives; a refusal is thrown as it was given. Interrupted, it still
     * waits: a write may have happened already, and its caller must never be told otherwise (a read
     * waits for its batch too, which takes milliseconds).
     */
    public static <A> A await(CompletionStage<A> answer) {
        try {
            return answer.toCompletableFuture().join();
        } catch (CompletionException failed) {
            throw refusal(failed.getCause());
        }
    }

    /** Requests waiting for a writer. */
    public int waiting() {
        return waiting.size();
    }

    public Totals totals() {
        return new Totals(batches.sum(), requests.sum(), queuedNanos.sum());
    }

    /** Its name, as its settings give it. */
    public String name() {
        return settings.name();
    }

    private ApiError busy() {
        return ApiError.busy(
                "the hub has " + settings.maxWaiting() + " requests of this kind waiting already; retry shortly",
                RETRY_AFTER_SECONDS);
    }

    private static RuntimeException refusal(Throwable cause) {
        return cause instanceof RuntimeException refusal ? refusal : new IllegalStateException(cause);
    }

    private void writeBatches() {
        while (!closed) {
            List<Pending<R, A>> batch = new ArrayList<>();
            try {
                Pending<R, A> first = waiting.poll(IDLE_CHECK_MS, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
            } catch (InterruptedException e) {
                break;
            }
            waiting.drainTo(batch, settings.maxBatch() - 1);
            long taken = System.nanoTime();
            batches.increment();
            requests.add(batch.size());
            batch.forEach(pending -> queuedNanos.add(taken - pending.queuedNanos()));
            try {
                write(batch, false);
            } catch (RuntimeException | Error bug) { // never leave a caller waiting
                batch.forEach(pending -> pending.answer().completeExceptionally(bug));
            }
        }
    }

    /** Writes a batch, and after a failure applies the rule in the class comment. */
    private void write(List<Pending<R, A>> batch, boolean retried) {
        try {
            writer.write(batch);
        } catch (RuntimeException failure) {
            afterFailure(batch, failure, retried);
            return;
        }
        for (Pending<R, A> pending : batch) {
            if (!pending.answer().isDone()) {
                pending.answer()
                        .completeExceptionally(new IllegalStateException(
                                "the batch writer " + settings.name() + " left a request unanswered"));
            }
        }
    }

    private void afterFailure(List<Pending<R, A>> batch, RuntimeException failure, boolean retried) {
        RuntimeException cause = failure instanceof Refused refused ? refused.refusal : failure;
        if (batch.size() == 1 || Database.lostConnection(cause) || cause instanceof Database.FailedAfterCommit) {
            batch.forEach(pending -> pending.answer().completeExceptionally(cause));
            return;
        }
        List<Pending<R, A>> rest = new ArrayList<>(batch);
        if (failure instanceof Refused refused) {
            rest.remove(refused.index).answer().completeExceptionally(cause);
            if (!retried) {
                write(rest, true);
                return;
            }
        }
        for (int i = 0; i < rest.size(); i++) {
            Pending<R, A> alone = rest.get(i);
            write(List.of(alone), true);
            if (alone.answer().isCompletedExceptionally()
                    && Database.lostConnection(alone.answer().exceptionNow())) {
                Throwable lost = alone.answer().exceptionNow(); // the rest would wait for it in turn
                rest.subList(i + 1, rest.size()).forEach(left -> left.answer().completeExceptionally(lost));
                return;
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
        for (Pending<R, A> left; (left = waiting.poll()) != null; ) {
            left.answer().completeExceptionally(shuttingDown());
        }
    }

    private static ApiError shuttingDown() {
        return ApiError.unavailable("the hub is shutting down", null);
    }
}
