package io.aihub.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.aihub.protocol.ApiError;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** How {@link GroupCommit} answers a batch in which some units fail, on the real database. */
class GroupCommitTest {
    private static final int UNITS = 20;

    private static Database database;

    @BeforeAll
    static void open() {
        database = TestDatabase.openFresh();
    }

    @AfterAll
    static void close() {
        database.close();
    }

    @Test
    void manyRefusedUnitsInOneBatch_eachGetItsAnswer_andTheOthersRunAtMostThreeTimes() throws Exception {
        AtomicIntegerArray runs = new AtomicIntegerArray(UNITS);
        List<Work<Integer>> units = new ArrayList<>();
        for (int i = 0; i < UNITS; i++) {
            int unit = i;
            units.add(tx -> {
                runs.incrementAndGet(unit);
                int answered = tx.one("select ?::int", row -> row.getInt(1), unit).orElseThrow();
                if (unit % 2 == 1) { // every other unit is refused, after a statement of its own
                    throw ApiError.notFound("unit", "unit-" + unit);
                }
                return answered;
            });
        }

        List<Object> answers = inOneBatch(units);

        for (int i = 0; i < UNITS; i++) {
            if (i % 2 == 0) {
                assertThat(answers.get(i)).isEqualTo(i);
            } else {
                assertThat(answers.get(i)).isInstanceOfSatisfying(ApiError.class,
                        error -> assertThat(error.kind()).isEqualTo(ApiError.Kind.NOT_FOUND));
            }
            assertThat(runs.get(i)).as("runs of unit %d", i).isBetween(1, 3);
        }
    }

    @Test
    void aStatementRefusedWith503OfItsOwn_failsItsUnitOnly_whileALostConnectionFailsTheirWholeBatch()
            throws Exception {
        List<Object> lockTimeout = inOneBatch(List.of(tx -> 0,
                tx -> {
                    throw new java.sql.SQLException("canceling statement due to lock timeout", "55P03");
                },
                tx -> 2));
        assertThat(lockTimeout.get(0)).isEqualTo(0);
        assertThat(lockTimeout.get(1)).isInstanceOfSatisfying(ApiError.class,
                error -> assertThat(error.kind()).isEqualTo(ApiError.Kind.UNAVAILABLE));
        assertThat(lockTimeout.get(2)).isEqualTo(2);

        List<Object> lost = inOneBatch(List.of(tx -> 0,
                tx -> {
                    throw new java.sql.SQLException("An I/O error occurred while sending to the backend.", "08006");
                },
                tx -> 2));
        assertThat(lost).allSatisfy(answer -> assertThat(answer).isInstanceOfSatisfying(ApiError.class,
                error -> assertThat(error.kind()).isEqualTo(ApiError.Kind.UNAVAILABLE)));
    }

    /** Runs the units in one transaction (queued behind a held one) and returns each answer or refusal. */
    private static List<Object> inOneBatch(List<Work<Integer>> units) throws Exception {
        CountDownLatch firstOpened = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (GroupCommit writes = new GroupCommit(database, "test-group-commit", 1, 64, (tx, keys) -> {
                if (keys.equals(List.of("holder"))) { // the first batch holds the writer while the others queue
                    firstOpened.countDown();
                    awaitQuietly(release);
                }
            });
             ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<Integer> holder = callers.submit(() -> writes.run("holder", tx -> -1));
            assertThat(firstOpened.await(5, TimeUnit.SECONDS)).isTrue();
            List<Future<Integer>> futures = new ArrayList<>();
            for (int i = 0; i < units.size(); i++) {
                Work<Integer> unit = units.get(i);
                String key = "unit-" + i;
                futures.add(callers.submit(() -> writes.run(key, unit)));
                for (int wait = 0; wait < 500 && writes.queued() < i + 1; wait++) {
                    Thread.sleep(10); // queued one by one: the batch runs them in this order
                }
            }
            assertThat(writes.queued()).isEqualTo(units.size());
            release.countDown();
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

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
