package io.aihub.store.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.aihub.protocol.ApiError;
import io.aihub.store.batch.GroupCommit.Pending;
import io.aihub.store.jdbc.Database;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The queue, the writer threads and the one failure rule of {@link GroupCommit}. The writer here is a
 * stand-in that runs each request's unit in turn and names the one that fails, as the store's writers
 * do; what the rule decides depends only on what the writer throws.
 */
class GroupCommitTest {
    private static final int UNITS = 20;

    private final ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor();
    private final HeldWriter writer = new HeldWriter();
    private final WatchedQueue queue = new WatchedQueue(64);

    @AfterEach
    void stopCallers() {
        callers.shutdownNow();
    }

    @Test
    void requestsWaitingTogether_areWrittenInOneBatch_andEachGetsItsOwnAnswer() throws Exception {
        try (GroupCommit<Unit, Integer> commit = groupCommit(64)) {
            Future<Integer> first = submit(commit, unit -> 100);
            writer.awaitHolding();
            List<Future<Integer>> waiting = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                int value = i;
                waiting.add(submit(commit, unit -> value));
            }
            queue.awaitOffers(4);
            writer.release();

            assertThat(first.get(5, TimeUnit.SECONDS)).isEqualTo(100);
            for (int i = 0; i < 3; i++) {
                assertThat(waiting.get(i).get(5, TimeUnit.SECONDS)).isEqualTo(i);
            }
            assertThat(writer.batchSizes).containsExactly(1, 3);
        }
    }

    @Test
    void aBatchThatFailedAfterItsTransactionCommitted_isNotWrittenAgain() throws Exception {
        AtomicInteger writes = new AtomicInteger();
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        GroupCommit.Writer<Integer, Integer> committedThenFailed = batch -> {
            writes.incrementAndGet();
            if (batch.getFirst().request() == 0) { // holds the writer while the others queue up
                holding.countDown();
                awaitQuietly(release);
                batch.getFirst().answer().complete(0);
                return;
            }
            throw new Database.FailedAfterCommit(new SQLException("a row the work could not read"));
        };
        try (GroupCommit<Integer, Integer> commit =
                new GroupCommit<>(new GroupCommit.Settings("test-after-commit", 1, 64, 64), committedThenFailed)) {
            Future<Integer> first = callers.submit(() -> commit.submit(0));
            assertThat(holding.await(5, TimeUnit.SECONDS)).isTrue();
            List<Future<Integer>> batch = List.of(
                    callers.submit(() -> commit.submit(1)),
                    callers.submit(() -> commit.submit(2)),
                    callers.submit(() -> commit.submit(3)));
            while (commit.waiting() < 3) {
                Thread.sleep(1);
            }
            release.countDown();

            assertThat(first.get(5, TimeUnit.SECONDS)).isZero();
            for (Future<Integer> answer : batch) {
                assertThat(catchThrowable(() -> answer.get(5, TimeUnit.SECONDS)))
                        .isInstanceOf(ExecutionException.class)
                        .hasCauseInstanceOf(Database.FailedAfterCommit.class);
            }
            assertThat(writes.get())
                    .as("the held batch, then the three together, never one by one")
                    .isEqualTo(2);
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aFullQueue_refusesTheNextRequestAtOnce_with503AndRetryAfter_orHasItAnsweredAloneWhenAskedTo()
            throws Exception {
        WatchedQueue small = new WatchedQueue(2);
        try (GroupCommit<Unit, Integer> commit =
                new GroupCommit<>(new GroupCommit.Settings("test-full", 1, 64, 2), writer, small)) {
            Future<Integer> held = callers.submit(() -> commit.submit(new Unit(0, unit -> 0)));
            writer.awaitHolding();
            List<Future<Integer>> waiting = List.of(submit(commit, unit -> 1), submit(commit, unit -> 2));
            small.awaitOffers(3);

            ApiError refused = catchThrowableOfType(ApiError.class, () -> commit.submit(new Unit(3, unit -> 3)));

            assertThat(refused.kind()).isEqualTo(ApiError.Kind.UNAVAILABLE);
            assertThat(refused.retryAfterSeconds()).isPositive();
            assertThat(refused.getMessage()).contains("retry");
            List<Runnable> ranAlone = new ArrayList<>();
            CompletionStage<Integer> alone = commit.submitAsync(new Unit(4, unit -> 4), unit -> 40, ranAlone::add);
            assertThat(ranAlone)
                    .as("the queue being full, answered alone on the executor given")
                    .hasSize(1);
            ranAlone.getFirst().run();
            assertThat(GroupCommit.await(alone)).isEqualTo(40);
            CompletionStage<Integer> closing = commit.submitAsync(new Unit(5, unit -> 5), unit -> 50, task -> {
                throw new RejectedExecutionException("shut down");
            });
            assertThat(catchThrowableOfType(ApiError.class, () -> GroupCommit.await(closing))
                            .kind())
                    .as("the executor for lone reads shut down: the hub is closing")
                    .isEqualTo(ApiError.Kind.UNAVAILABLE);
            writer.release();
            assertThat(held.get(5, TimeUnit.SECONDS)).isZero();
            assertThat(waiting.get(1).get(5, TimeUnit.SECONDS)).isEqualTo(2);
        }
    }

    @Test
    void manyRefusedRequestsInOneBatch_eachGetItsRefusal_andTheOthersAreWrittenAtMostThreeTimes() throws Exception {
        AtomicIntegerArray runs = new AtomicIntegerArray(UNITS);
        List<Object> answers = inOneBatch(UNITS, unit -> {
            runs.incrementAndGet(unit);
            if (unit % 2 == 1) {
                throw ApiError.notFound("unit", "unit-" + unit);
            }
            return unit;
        });

        for (int i = 0; i < UNITS; i++) {
            if (i % 2 == 0) {
                assertThat(answers.get(i)).isEqualTo(i);
            } else {
                assertThat(answers.get(i))
                        .isInstanceOfSatisfying(
                                ApiError.class,
                                error -> assertThat(error.kind()).isEqualTo(ApiError.Kind.NOT_FOUND));
            }
            assertThat(runs.get(i)).as("runs of unit %d", i).isBetween(1, 3);
        }
    }

    @Test
    void aRefusalWith503OfItsOwn_failsItsRequestOnly_whileALostConnectionFailsTheWholeBatch() throws Exception {
        List<Object> lockTimeout = inOneBatch(3, unit -> {
            if (unit == 1) {
                throw ApiError.unavailable("lock timeout", new SQLException("canceling statement", "55P03"));
            }
            return unit;
        });
        assertThat(lockTimeout.get(0)).isEqualTo(0);
        assertThat(lockTimeout.get(1)).isInstanceOf(ApiError.class);
        assertThat(lockTimeout.get(2)).isEqualTo(2);

        List<Object> lost = inOneBatch(3, unit -> {
            if (unit == 1) {
                throw ApiError.unavailable("gone", new SQLException("An I/O error occurred", "08006"));
            }
            return unit;
        });
        assertThat(lost)
                .allSatisfy(answer -> assertThat(answer)
                        .isInstanceOfSatisfying(
                                ApiError.class,
                                error -> assertThat(error.kind()).isEqualTo(ApiError.Kind.UNAVAILABLE)));
    }

    @Test
    void aFailureNoRequestIsBlamedFor_writesEachRequestAlone_soEachGetsItsOwnAnswer() throws Exception {
        List<Object> answers = inOneBatchOf(4, batch -> {
            if (batch.size() > 1) { // as a batch the database refuses it, without saying for which request
                throw new IllegalStateException("a value in this batch cannot be stored");
            }
            Pending<Unit, Integer> alone = batch.getFirst();
            if (alone.request().index() == 2) {
                throw ApiError.badRequest("unit 2 carries the value");
            }
            alone.answer().complete(alone.request().index());
        });

        assertThat(answers.get(0)).isEqualTo(0);
        assertThat(answers.get(1)).isEqualTo(1);
        assertThat(answers.get(2)).isInstanceOf(ApiError.class);
        assertThat(answers.get(3)).isEqualTo(3);
    }

    @Test
    void closing_finishesTheBatchBeingWritten_andRefusesTheWaitingOnesWith503() throws Exception {
        GroupCommit<Unit, Integer> commit = groupCommit(1);
        Future<Integer> inFlight = submit(commit, unit -> 1);
        writer.awaitHolding();
        Future<Integer> queued = submit(commit, unit -> 2);
        queue.awaitOffers(2);

        CountDownLatch closeCalled = new CountDownLatch(1);
        Future<?> closing = callers.submit(() -> {
            closeCalled.countDown();
            commit.close();
        });
        closeCalled.await();
        assertThat(catchThrowable(() -> closing.get(200, TimeUnit.MILLISECONDS)))
                .as("close waits for the batch in flight")
                .isInstanceOf(TimeoutException.class);
        writer.release();
        closing.get(5, TimeUnit.SECONDS);

        assertThat(inFlight.get(5, TimeUnit.SECONDS)).isEqualTo(1);
        assertThat(catchThrowableOfType(ExecutionException.class, () -> queued.get(5, TimeUnit.SECONDS)))
                .cause()
                .isInstanceOfSatisfying(
                        ApiError.class, refusal -> assertThat(refusal.kind()).isEqualTo(ApiError.Kind.UNAVAILABLE));
        assertThat(catchThrowableOfType(ApiError.class, () -> commit.submit(new Unit(9, unit -> 9)))
                        .kind())
                .isEqualTo(ApiError.Kind.UNAVAILABLE);
    }

    /** A request: its position, and what writing it does (returns its answer or throws its refusal). */
    record Unit(int index, IntFunction<Integer> body) {}

    private GroupCommit<Unit, Integer> groupCommit(int maxBatch) {
        return new GroupCommit<>(new GroupCommit.Settings("test-group-commit", 1, maxBatch, 64), writer, queue);
    }

    private Future<Integer> submit(GroupCommit<Unit, Integer> commit, IntFunction<Integer> body) {
        int index = queue.offers();
        return callers.submit(() -> commit.submit(new Unit(index, body)));
    }

    /** Queues {@code units} requests behind a held one, releases them as one batch, and returns each answer. */
    private List<Object> inOneBatch(int units, IntFunction<Integer> body) throws Exception {
        return inOneBatchOf(units, HeldWriter::runEach, body);
    }

    private List<Object> inOneBatchOf(int units, GroupCommit.Writer<Unit, Integer> then) throws Exception {
        return inOneBatchOf(units, then, unit -> unit);
    }

    private List<Object> inOneBatchOf(int units, GroupCommit.Writer<Unit, Integer> then, IntFunction<Integer> body)
            throws Exception {
        HeldWriter writer = new HeldWriter();
        writer.then = then;
        WatchedQueue queue = new WatchedQueue(64);
        try (GroupCommit<Unit, Integer> commit =
                new GroupCommit<>(new GroupCommit.Settings("test-one-batch", 1, 64, 64), writer, queue)) {
            Future<Integer> holder = callers.submit(() -> commit.submit(new Unit(-1, unit -> -1)));
            writer.awaitHolding();
            List<Future<Integer>> futures = new ArrayList<>();
            for (int i = 0; i < units; i++) {
                int index = i;
                futures.add(callers.submit(() -> commit.submit(new Unit(index, body))));
                queue.awaitOffers(i + 2); // queued one by one: the batch holds them in this order
            }
            writer.release();
            assertThat(holder.get(5, TimeUnit.SECONDS)).isEqualTo(-1);
            List<Object> answers = new ArrayList<>();
            for (Future<Integer> future : futures) {
                try {
                    answers.add(future.get(5, TimeUnit.SECONDS));
                } catch (ExecutionException e) {
                    answers.add(e.getCause());
                }
            }
            return answers;
        }
    }

    /** Holds its first batch until released, then writes each batch with {@code then}. */
    private static final class HeldWriter implements GroupCommit.Writer<Unit, Integer> {
        private final CountDownLatch holding = new CountDownLatch(1);
        private final CountDownLatch released = new CountDownLatch(1);
        final List<Integer> batchSizes = new CopyOnWriteArrayList<>();
        volatile GroupCommit.Writer<Unit, Integer> then = HeldWriter::runEach;

        @Override
        public void write(List<Pending<Unit, Integer>> batch) {
            batchSizes.add(batch.size());
            if (holding.getCount() > 0) {
                holding.countDown();
                try {
                    released.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            then.write(batch);
        }

        /** Runs each request's body in turn, as one transaction would, and names the first that fails. */
        static void runEach(List<Pending<Unit, Integer>> batch) {
            List<Integer> results = new ArrayList<>();
            for (int i = 0; i < batch.size(); i++) {
                Unit unit = batch.get(i).request();
                try {
                    results.add(unit.body().apply(unit.index()));
                } catch (RuntimeException refused) {
                    throw new GroupCommit.Refused(i, refused);
                }
            }
            for (int i = 0; i < batch.size(); i++) { // "committed": now everyone gets an answer
                batch.get(i).answer().complete(results.get(i));
            }
        }

        void awaitHolding() throws InterruptedException {
            assertThat(holding.await(5, TimeUnit.SECONDS))
                    .as("the writer took the first batch")
                    .isTrue();
        }

        void release() {
            released.countDown();
        }
    }

    /** The group commit's queue, counting the requests offered to it so tests can wait for them. */
    private static final class WatchedQueue extends ArrayBlockingQueue<Pending<Unit, Integer>> {
        private final Semaphore offered = new Semaphore(0);
        private int offers;

        WatchedQueue(int capacity) {
            super(capacity);
        }

        @Override
        public boolean offer(Pending<Unit, Integer> pending) {
            boolean taken = super.offer(pending);
            offered.release();
            return taken;
        }

        /** How many requests were submitted by this test so far (the next one's index). */
        synchronized int offers() {
            return offers++;
        }

        /** Waits until {@code count} offers have been made since the queue was created. */
        void awaitOffers(int count) throws InterruptedException {
            assertThat(offered.tryAcquire(count, 5, TimeUnit.SECONDS))
                    .as("%d requests offered", count)
                    .isTrue();
            offered.release(count);
        }
    }
}
