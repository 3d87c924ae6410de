package io.aihub.store.task;

import static org.assertj.core.api.Assertions.assertThat;

import io.aihub.protocol.ApiError;
import io.aihub.protocol.Envelopes.CreatedTask;
import io.aihub.protocol.NewTask;
import io.aihub.protocol.Status;
import io.aihub.protocol.StepRecord;
import io.aihub.protocol.StepUpdate;
import io.aihub.store.agent.Agent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;

/**
 * Task creations and step updates written in batches ({@link LifecycleWrites}): writes that arrive
 * together share a transaction, whatever their kind, and each caller still gets its own answer, its
 * result or its own refusal.
 */
class WriteBatchesTest extends WithFixtures {
    @Test
    void aNulInATasksOwnText_isRefusedBeforeItJoinsABatch() {
        Agent agent = fx.agent(fx.account());

        assertThat(org.assertj.core.api.Assertions.catchThrowableOfType(
                        ApiError.class,
                        () -> fx.tasks.create(
                                agent.did(), fx.account(), new NewTask("a \u0000 b", null, null, null, null))))
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

    private record Burst(int created, long transactions) {}

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
            String did = !nul && unknownEvery > 0 && i % unknownEvery == 3
                    ? unknownDid
                    : agents.get(i % agents.size()).did();
            // a NUL inside the JSON parameters, which PostgreSQL cannot store: refused before it joins a batch
            Object params = nul ? Map.of("note", "nul \u0000 inside") : null;
            String query = nul ? "query " + i + " (nul)" : "query " + i;
            dids.add(did);
            queries.add(query);
            calls.add(() -> fx.tasks.create(did, user, new NewTask(query, null, params, null, null)));
        }
        List<Object> answers = Fixtures.atOnce(calls);

        int created = 0;
        for (int i = 0; i < callers; i++) {
            Object answer = answers.get(i);
            String query = queries.get(i);
            if (query.endsWith("(nul)")) {
                assertThat(answer)
                        .isInstanceOfSatisfying(
                                ApiError.class,
                                refusal -> assertThat(refusal.kind()).isEqualTo(ApiError.Kind.BAD_REQUEST));
            } else if (dids.get(i).equals(unknownDid)) {
                assertThat(answer)
                        .isInstanceOfSatisfying(
                                ApiError.class,
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
        long stored = fx.database
                .lookup(tx -> tx.one(
                        "select count(*) from tasks where user_address = ?", io.aihub.store.jdbc.RowMapper.COUNT, user))
                .orElseThrow();
        assertThat(stored).isEqualTo(created);
        long transactions = fx.database
                .lookup(tx -> tx.one("""
                select count(distinct e.tx_id) from events e join tasks t using (task_id) where t.user_address = ?
                """, io.aihub.store.jdbc.RowMapper.COUNT, user))
                .orElseThrow();
        return new Burst(created, transactions);
    }

    private static StepUpdate finish(String output) {
        return new StepUpdate(
                Status.Completed, output, null, null, 1L, true, null, null, null, null, null, null, null, null);
    }

    @Test
    void completionsArrivingTogether_areCommittedTogether_andEachTaskCompletesOnce() throws Exception {
        Agent agent = fx.agent(fx.account());
        String user = fx.account();
        List<CreatedTask> tasks = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            tasks.add(fx.task(agent, user, "q" + i));
        }

        List<Object> answers = Fixtures.atOnce(tasks.stream()
                .<Callable<Object>>map(task -> () -> fx.steps.update(
                        agent.owner(),
                        agent.did(),
                        task.task().taskId(),
                        task.steps().getFirst().stepId(),
                        finish("out " + task.task().taskId())))
                .toList());

        for (int i = 0; i < tasks.size(); i++) {
            String taskId = tasks.get(i).task().taskId();
            assertThat(answers.get(i)).isInstanceOfSatisfying(StepRecord.class, step -> {
                assertThat(step.taskId()).isEqualTo(taskId);
                assertThat(step.stepStatus()).isEqualTo(Status.Completed);
            });
            assertThat(fx.tasks.withSteps(agent.did(), taskId, user).task().output())
                    .isEqualTo("out " + taskId);
            assertThat(fx.events(taskId)).containsExactly("step-updated:init:Pending", "task-updated:Completed");
        }
        long transactions = fx.database
                .lookup(tx -> tx.one("""
                select count(distinct tx_id) from events where event_name = 'task-updated' and task_id = any(?)
                """, io.aihub.store.jdbc.RowMapper.COUNT, (Object)
                        tasks.stream().map(task -> task.task().taskId()).toArray(String[]::new)))
                .orElseThrow();
        assertThat(transactions).as("completions committed together").isLessThan(tasks.size());
    }

    @Test
    void creationsAndUpdatesArrivingTogether_shareTransactions_andEachGetsItsOwnAnswer() throws Exception {
        Agent agent = fx.agent(fx.account());
        String user = fx.account();
        String unknownDid = "did:nv:" + "0".repeat(64);
        List<CreatedTask> running = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            running.add(fx.task(agent, user, "running " + i));
        }
        List<Callable<Object>> calls = new ArrayList<>();
        for (int i = 0; i < running.size(); i++) {
            String taskId = running.get(i).task().taskId();
            String stepId = i % 5 == 4
                    ? "step-missing-" + i
                    : running.get(i).steps().getFirst().stepId();
            calls.add(() -> fx.steps.update(agent.owner(), agent.did(), taskId, stepId, finish("out " + taskId)));
            String did = i % 5 == 3 ? unknownDid : agent.did();
            String query = "new " + i;
            calls.add(() -> fx.tasks.create(did, user, new NewTask(query, null, null, null, null)));
        }

        List<Object> answers = Fixtures.atOnce(calls);

        List<String> completed = new ArrayList<>();
        List<String> created = new ArrayList<>();
        for (int i = 0; i < running.size(); i++) {
            String taskId = running.get(i).task().taskId();
            Object update = answers.get(2 * i);
            Object creation = answers.get(2 * i + 1);
            if (i % 5 == 4) {
                assertThat(update)
                        .isInstanceOfSatisfying(
                                ApiError.class,
                                refusal -> assertThat(refusal.kind()).isEqualTo(ApiError.Kind.NOT_FOUND));
                assertThat(fx.events(taskId)).containsExactly("step-updated:init:Pending");
            } else {
                assertThat(update)
                        .isInstanceOfSatisfying(
                                StepRecord.class,
                                step -> assertThat(step.taskId()).isEqualTo(taskId));
                assertThat(fx.events(taskId)).containsExactly("step-updated:init:Pending", "task-updated:Completed");
                completed.add(taskId);
            }
            String query = "new " + i;
            if (i % 5 == 3) {
                assertThat(creation)
                        .isInstanceOfSatisfying(
                                ApiError.class,
                                refusal -> assertThat(refusal.kind()).isEqualTo(ApiError.Kind.NOT_FOUND));
            } else {
                assertThat(creation).isInstanceOfSatisfying(CreatedTask.class, task -> {
                    assertThat(task.task().inputQuery()).isEqualTo(query);
                    assertThat(fx.events(task.task().taskId())).containsExactly("step-updated:init:Pending");
                    created.add(task.task().taskId());
                });
            }
        }
        long shared = fx.database
                .lookup(tx -> tx.one(
                        """
                        select count(*) from (
                            select tx_id from events where task_id = any(?) and event_name = 'task-updated'
                            intersect
                            select tx_id from events where task_id = any(?) and event_name = 'step-updated') as shared
                        """,
                        io.aihub.store.jdbc.RowMapper.COUNT,
                        completed.toArray(String[]::new),
                        created.toArray(String[]::new)))
                .orElseThrow();
        assertThat(shared)
                .as("transactions that completed tasks and created others")
                .isPositive();
    }

    @Test
    void refusedUpdatesAmongOthers_getTheirOwnRefusal_andTheOthersStillApply() throws Exception {
        Agent agent = fx.agent(fx.account());
        Agent strangers = fx.agent(fx.account());
        String user = fx.account();
        List<CreatedTask> tasks = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            tasks.add(fx.task(agent, user, "q" + i));
        }
        List<Callable<Object>> calls = new ArrayList<>();
        for (int i = 0; i < tasks.size(); i++) {
            CreatedTask task = tasks.get(i);
            String taskId = task.task().taskId();
            String stepId = task.steps().getFirst().stepId();
            String missingStep = "step-missing-" + i;
            calls.add(
                    switch (i % 4) {
                        case 0 -> () -> fx.steps.update(agent.owner(), agent.did(), taskId, missingStep, finish("x"));
                        case 1 -> () -> fx.steps.update(strangers.owner(), agent.did(), taskId, stepId, finish("x"));
                        // refused by the database (text cannot hold a NUL), for that update alone
                        case 2 ->
                            () -> fx.steps.update(agent.owner(), agent.did(), taskId, stepId, finish("nul \u0000"));
                        default -> () -> fx.steps.update(agent.owner(), agent.did(), taskId, stepId, finish("done"));
                    });
        }

        List<Object> answers = Fixtures.atOnce(calls);

        for (int i = 0; i < tasks.size(); i++) {
            String taskId = tasks.get(i).task().taskId();
            Status status = fx.tasks.withSteps(agent.did(), taskId, user).task().taskStatus();
            ApiError.Kind refusal = switch (i % 4) {
                case 0, 1 -> ApiError.Kind.NOT_FOUND;
                case 2 -> ApiError.Kind.BAD_REQUEST;
                default -> null;
            };
            if (refusal == null) {
                assertThat(answers.get(i)).isInstanceOf(StepRecord.class);
                assertThat(status).isEqualTo(Status.Completed);
                assertThat(fx.events(taskId)).containsExactly("step-updated:init:Pending", "task-updated:Completed");
            } else {
                assertThat(answers.get(i))
                        .isInstanceOfSatisfying(
                                ApiError.class,
                                refused -> assertThat(refused.kind()).isEqualTo(refusal));
                assertThat(status).isEqualTo(Status.Pending);
                assertThat(fx.events(taskId)).containsExactly("step-updated:init:Pending");
            }
        }
    }
}
