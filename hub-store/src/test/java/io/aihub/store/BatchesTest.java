package io.aihub.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.aihub.protocol.ApiError;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The writer threads of {@link Batches}, with a writer that needs no database. */
class BatchesTest {
    private record Request(String name, CompletableFuture<String> answer) implements Batches.Request<String> {
        static Request named(String name) {
            return new Request(name, new CompletableFuture<>());
        }
    }

    @Test
    void requestsWaitingTogether_areWrittenInOneBatch_andEachGetsItsOwnAnswer() throws Exception {
        HoldingWriter writer = new HoldingWriter();
        Batches<Request> writers = new Batches<>("test-writer", 1, 64, writer);
        try (ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<String> first = submit(callers, writers, "first");
            assertThat(writer.holding.await(5, TimeUnit.SECONDS)).isTrue();
            List<Future<String>> waiting = List.of(submit(callers, writers, "a"), submit(callers, writers, "b"),
                    submit(callers, writers, "c"));
            awaitQueued(writers, 3);
            writer.release.countDown();

            assertThat(first.get(5, TimeUnit.SECONDS)).isEqualTo("wrote first");
            assertThat(waiting.get(0).get(5, TimeUnit.SECONDS)).isEqualTo("wrote a");
            assertThat(waiting.get(2).get(5, TimeUnit.SECONDS)).isEqualTo("wrote c");
            assertThat(writer.batches).hasSize(2);
            assertThat(writer.batches.get(1)).containsExactlyInAnyOrder("a", "b", "c");
        } finally {
            writers.close();
        }
    }

    @Test
    void closing_finishesTheBatchBeingWritten_andRefusesTheWaitingOnesWith503() throws Exception {
        HoldingWriter writer = new HoldingWriter();
        Batches<Request> writers = new Batches<>("test-writer", 1, 1, writer);
        try (ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<String> inFlight = submit(callers, writers, "in flight");
            assertThat(writer.holding.await(5, TimeUnit.SECONDS)).isTrue();
            Future<String> queued = submit(callers, writers, "queued");
            awaitQueued(writers, 1);

            Future<?> closing = callers.submit(writers::close);
            Thread.sleep(300); // close waits for the batch in flight: nothing is interrupted
            assertThat(closing.isDone()).isFalse();
            writer.release.countDown();
            closing.get(5, TimeUnit.SECONDS);

            assertThat(inFlight.get(5, TimeUnit.SECONDS)).isEqualTo("wrote in flight");
            assertThat(catchThrowableOfType(ExecutionException.class, () -> queued.get(5, TimeUnit.SECONDS)))
                    .cause().isInstanceOfSatisfying(ApiError.class,
                            refusal -> assertThat(refusal.kind()).isEqualTo(ApiError.Kind.UNAVAILABLE));
            assertThat(catchThrowableOfType(ApiError.class, () -> writers.submit(Request.named("late"),
                    new CompletableFuture<String>())).kind()).isEqualTo(ApiError.Kind.UNAVAILABLE);
        }
    }

    private static Future<String> submit(ExecutorService callers, Batches<Request> writers, String name) {
        Request request = Request.named(name);
        return callers.submit(() -> writers.submit(request, request.answer()));
    }

    private static void awaitQueued(Batches<Request> writers, int count) throws InterruptedException {
        for (int i = 0; i < 500 && writers.queued() < count; i++) {
            Thread.sleep(10);
        }
        assertThat(writers.queued()).isEqualTo(count);
    }

    /** Answers each request "wrote <name>", records its batches, and holds the first one until released. */
    private static final class HoldingWriter implements Consumer<List<Request>> {
        final CountDownLatch holding = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final List<List<String>> batches = new CopyOnWriteArrayList<>();

        @Override
        public void accept(List<Request> batch) {
            batches.add(batch.stream().map(Request::name).toList());
            if (batches.size() == 1) {
                holding.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            batch.forEach(request -> request.answer().complete("wrote " + request.name()));
        }
    }
}
