package io.aihub.server.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** One socket's work: in order, a task's stage holding up the next, and its sender held back when too much waits. */
class SerialQueueTest {
    /** Runs nothing until the test says so: what the queue handed to the executor or the network thread, in order. */
    private final List<Runnable> handed = new ArrayList<>();

    private final List<String> handedTo = new ArrayList<>();
    private final Executor executor = task -> hand("executor", task);
    private final Executor network = task -> hand("network", task);
    private final List<Boolean> reading = new ArrayList<>();
    private final List<String> ran = new ArrayList<>();
    private final SerialQueue queue = new SerialQueue(executor, network, 4, reading::add);

    @Test
    void aTaskThatMayStartHere_runsOnTheSubmittingThread_andTheNextWaitsForItsStage() {
        CompletableFuture<Void> replayed = new CompletableFuture<>();
        Thread submitting = Thread.currentThread();
        List<Thread> ranOn = new ArrayList<>();

        queue.submit(
                () -> {
                    ranOn.add(Thread.currentThread());
                    ran.add("join");
                    return replayed;
                },
                true);
        queue.submit(() -> ran.add("next"));

        assertThat(ranOn).containsExactly(submitting);
        assertThat(handed).as("the next task waits for the join's stage").isEmpty();
        replayed.complete(null);
        runHanded();
        assertThat(ran).containsExactly("join", "next");
        assertThat(handedTo).as("the next one may block").containsExactly("executor");
    }

    @Test
    void aTaskThatMayStartHere_behindAnotherStillWaiting_runsOnTheNetworkThread_inItsTurn() {
        queue.submit(() -> ran.add("first"));
        queue.submit(
                () -> {
                    ran.add("second");
                    return CompletableFuture.completedFuture(null);
                },
                true);

        assertThat(ran).isEmpty();
        runHanded();
        assertThat(ran).containsExactly("first", "second");
        assertThat(handedTo).containsExactly("executor", "network");
    }

    @Test
    void aTaskThatThrowsOrWhoseStageFails_stillLetsTheNextOneRun() {
        queue.submit(
                () -> {
                    throw new IllegalStateException("a bug in a handler");
                },
                true);
        queue.submit(() -> CompletableFuture.failedFuture(new IllegalStateException("a failed read")), true);
        queue.submit(() -> ran.add("after"));

        runHanded();
        assertThat(ran).containsExactly("after");
    }

    @Test
    void aTaskTheExecutorRefuses_asWhenTheGatewayCloses_isDropped_andTheNextOneStillGetsItsTurn() {
        AtomicBoolean refuse = new AtomicBoolean(true);
        SerialQueue closing = new SerialQueue(
                task -> {
                    if (refuse.getAndSet(false)) {
                        throw new RejectedExecutionException("shut down");
                    }
                    hand("executor", task);
                },
                network,
                4,
                reading::add);

        closing.submit(() -> ran.add("refused"));
        closing.submit(() -> ran.add("next"));

        runHanded();
        assertThat(ran).containsExactly("next");
    }

    @Test
    void pastTheLimitWaiting_theSocketIsNotRead_untilHalfOfThemHaveEnded() {
        List<CompletableFuture<Void>> stages = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            CompletableFuture<Void> stage = new CompletableFuture<>();
            stages.add(stage);
            queue.submit(() -> stage, true);
        }
        assertThat(reading).containsExactly(false);

        for (int i = 0; i < 3; i++) {
            stages.get(i).complete(null);
            runHanded();
        }
        assertThat(reading)
                .as("three of six still waiting: over half the limit")
                .containsExactly(false);
        stages.get(3).complete(null);
        runHanded();
        assertThat(reading).containsExactly(false, true);
    }

    private void hand(String to, Runnable task) {
        handedTo.add(to);
        handed.add(task);
    }

    private void runHanded() {
        while (!handed.isEmpty()) {
            handed.removeFirst().run();
        }
    }
}
