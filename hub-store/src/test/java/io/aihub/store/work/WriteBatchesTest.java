package io.aihub.store.work;

import static org.assertj.core.api.Assertions.assertThat;

import io.aihub.protocol.ApiError;
import io.aihub.protocol.Envelopes.CreatedTask;
import io.aihub.protocol.NewTask;
import io.aihub.protocol.Status;
import io.aihub.store.agent.Agent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Task creations written in batches ({@link TaskIntake}): creations that arrive together share a
 * transaction, and each caller still gets its own answer, its task or its own refusal.
 */
class WriteBatchesTest extends WithFixtures {
    @Test
    void aNulInATasksOwnText_isRefusedBeforeItJoinsABatch() {
        Agent agent = fx.agent(fx.account());

        assertThat(org.assertj.core.api.Assertions.catchThrowableOfType(ApiError.class,
                () -> fx.tasks.create(agent.did(), fx.account(), new NewTask("a \u0000 b", null, null, null, null))))
                .satisfies(refusal -> assertThat(refusal.kind()).isEqualTo(ApiError.Kind.BAD_REQUEST));
    }

    @Test
    void creationsArrivingTogether_areWrittenTogether_inFewerTransactionsThanTasks() throws Exception {
        Burst burst = burst(60, 0, 0);

        assertThat(burst.created()).isEqualTo(60);
        assertThat(burst.transactions()).isLessThan(60);
    }

    @Test
    void aBatchWithRefusedCreations_givesEachCallerItsOwnTaskOrItsOwnRefusal() throws Exception {
        // every 11th carries a NUL, which PostgreSQL cannot store (400); of the rest, every 7th names no agent (404)
        Burst burst = burst(60, 7, 11);

        assertThat(burst.created()).isEqualTo(60 - 5 - 8);
    }

    private record Burst(int created, long transactions) {
    }

    /** Creates {@code callers} tasks at once and checks each answer; counts the tasks and their transactions. */
    private static Burst burst(int callers, int unknownEvery, int nulEvery) throws Exception {
        String owner = fx.account();
        String user = fx.account();
        List<Agent> agents = List.of(fx.agent(owner), fx.agent(owner), fx.agent(owner));
        String unknownDid = "did:nv:" + "0".repeat(64);
        List<Callable<Object>> calls = new ArrayList<>();
        List<String> queries = new ArrayList<>();
        List<String> dids = new ArrayList<>();
        for (int i = 0; i < callers; i++) {
            boolean nul = nulEvery > 0 && i % nulEvery == 5;
            String did = !nul && unknownEvery > 0 && i % unknownEvery == 3 ? unknownDid : agents.get(i % agents.size()).did();
            // a NUL inside the JSON parameters is refused by the database, for the whole batch it came in
            Object params = nul ? Map.of("note", "nul \u0000 inside") : null;
            String query = nul ? "query " + i + " (nul)" : "query " + i;
            dids.add(did);
            queries.add(query);
            calls.add(() -> fx.tasks.create(did, user, new NewTask(query, null, params, null, null)));
        }
        List<Object> answers = atOnce(calls);

        int created = 0;
        for (int i = 0; i < callers; i++) {
            Object answer = answers.get(i);
            String query = queries.get(i);
            if (query.endsWith("(nul)")) {
                assertThat(answer).isInstanceOfSatisfying(ApiError.class,
                        refusal -> assertThat(refusal.kind()).isEqualTo(ApiError.Kind.BAD_REQUEST));
            } else if (dids.get(i).equals(unknownDid)) {
                assertThat(answer).isInstanceOfSatisfying(ApiError.class,
                        refusal -> assertThat(refusal.kind()).isEqualTo(ApiError.Kind.NOT_FOUND));
            } else {
                CreatedTask task = (CreatedTask) answer;
                assertThat(task.task().inputQuery()).isEqualTo(query);
                assertThat(task.task().did()).isEqualTo(dids.get(i));
                assertThat(task.task().owner()).isEqualTo(owner);
                assertThat(task.steps()).singleElement().satisfies(init -> {
                    assertThat(init.stepStatus()).isEqualTo(Status.Pending);
                    assertThat(init.taskId()).isEqualTo(task.task().taskId());
                    assertThat(init.inputQuery()).isEqualTo(query);
                });
                assertThat(fx.events(task.task().taskId())).containsExactly("step-updated:init:Pending");
                created++;
            }
        }
        long stored = fx.database.lookup(tx -> tx.one("select count(*) from tasks where user_address = ?",
                TaskSql.COUNT, user)).orElseThrow();
        assertThat(stored).isEqualTo(created);
        long transactions = fx.database.lookup(tx -> tx.one("""
                select count(distinct e.tx_id) from events e join tasks t using (task_id) where t.user_address = ?
                """, TaskSql.COUNT, user)).orElseThrow();
        return new Burst(created, transactions);
    }

    /** Runs the calls at the same moment; each answer is its result or the ApiError it threw. */
    private static List<Object> atOnce(List<Callable<Object>> calls) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Object>> futures = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(calls.size())) {
            for (Callable<Object> call : calls) {
                futures.add(pool.submit(() -> {
                    start.await();
                    try {
                        return call.call();
                    } catch (ApiError refusal) {
                        return refusal;
                    }
                }));
            }
            start.countDown();
            List<Object> answers = new ArrayList<>();
            for (Future<Object> future : futures) {
                answers.add(future.get());
            }
            return answers;
        }
    }
}
