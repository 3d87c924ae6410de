package io.aihub.store.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.aihub.protocol.ApiError;
import io.aihub.protocol.Envelopes.CreatedSteps;
import io.aihub.protocol.Envelopes.CreatedTask;
import io.aihub.protocol.NewStep;
import io.aihub.protocol.NewTask;
import io.aihub.store.agent.Agent;
import io.aihub.store.jdbc.RowMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;

/** Creations guarded by an Idempotency-Key: one write however often, and however concurrently, it is sent. */
class IdempotencyTest extends WithFixtures {

    @Test
    void twentyCreationsWithOneKeyAtOnce_makeOneTask_andAllGetItsAnswer() throws Exception {
        Agent agent = fx.agent(fx.account());
        String user = fx.account();
        IdempotencyKey key = new IdempotencyKey(user, UUID.randomUUID().toString(), "hash-of-the-request");
        List<Callable<Object>> calls = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            calls.add(() -> fx.tasks.create(agent.did(), user, new NewTask("once", null, null, null, null), key));
        }

        List<Object> answers = Fixtures.atOnce(calls);

        List<CreatedTask> fresh = answers.stream()
                .filter(Idempotent.Fresh.class::isInstance)
                .map(answer -> ((Idempotent.Fresh<CreatedTask>) answer).value())
                .toList();
        assertThat(fresh).hasSize(1);
        String taskId = fresh.getFirst().task().taskId();
        assertThat(answers)
                .filteredOn(Idempotent.Replayed.class::isInstance)
                .hasSize(19)
                .allSatisfy(answer -> {
                    Idempotent.Replayed<?> replayed = (Idempotent.Replayed<?>) answer;
                    assertThat(replayed.status()).isEqualTo(201);
                    assertThat(replayed.body()).contains(taskId);
                });
        assertThat(tasksOf(user)).isEqualTo(1);
    }

    @Test
    void theSameKeyForAnotherRequest_isRefusedWith422_andWritesNothing() {
        Agent agent = fx.agent(fx.account());
        String user = fx.account();
        String key = UUID.randomUUID().toString();
        fx.tasks.create(
                agent.did(),
                user,
                new NewTask("first", null, null, null, null),
                new IdempotencyKey(user, key, "hash-1"));

        ApiError refused = catchThrowableOfType(
                ApiError.class,
                () -> fx.tasks.create(
                        agent.did(),
                        user,
                        new NewTask("second", null, null, null, null),
                        new IdempotencyKey(user, key, "hash-2")));

        assertThat(refused.kind()).isEqualTo(ApiError.Kind.UNPROCESSABLE);
        assertThat(refused.getMessage()).contains("another request");
        assertThat(tasksOf(user)).isEqualTo(1);
    }

    @Test
    void aRefusedFirstRequest_leavesItsKeyFree_forARetryThatSucceeds() {
        Agent agent = fx.agent(fx.account());
        String user = fx.account();
        IdempotencyKey key = new IdempotencyKey(user, UUID.randomUUID().toString(), "same-hash");
        String unknown = "did:nv:" + "0".repeat(64);

        ApiError refused = catchThrowableOfType(
                ApiError.class, () -> fx.tasks.create(unknown, user, new NewTask("q", null, null, null, null), key));
        Idempotent<CreatedTask> retried =
                fx.tasks.create(agent.did(), user, new NewTask("q", null, null, null, null), key);

        assertThat(refused.kind()).isEqualTo(ApiError.Kind.NOT_FOUND);
        assertThat(retried).isInstanceOf(Idempotent.Fresh.class);
    }

    @Test
    void keysAreEachCallersOwn() {
        Agent agent = fx.agent(fx.account());
        String one = fx.account();
        String other = fx.account();
        String key = UUID.randomUUID().toString();

        Idempotent<CreatedTask> first = fx.tasks.create(
                agent.did(), one, new NewTask("q", null, null, null, null), new IdempotencyKey(one, key, "h"));
        Idempotent<CreatedTask> second = fx.tasks.create(
                agent.did(), other, new NewTask("q", null, null, null, null), new IdempotencyKey(other, key, "h"));

        assertThat(first).isInstanceOf(Idempotent.Fresh.class);
        assertThat(second).isInstanceOf(Idempotent.Fresh.class);
    }

    @Test
    void stepsCreatedTwiceWithOneKey_areAddedOnce() {
        Agent agent = fx.agent(fx.account());
        CreatedTask task = fx.task(agent, fx.account(), "q");
        IdempotencyKey key = new IdempotencyKey(agent.owner(), UUID.randomUUID().toString(), "steps-hash");
        List<NewStep> steps = List.of(new NewStep(null, "next", null, null, null, null, null, null, null, null, null));

        Idempotent<CreatedSteps> first =
                fx.steps.create(agent.owner(), agent.did(), task.task().taskId(), steps, key);
        Idempotent<CreatedSteps> again =
                fx.steps.create(agent.owner(), agent.did(), task.task().taskId(), steps, key);

        assertThat(first).isInstanceOf(Idempotent.Fresh.class);
        String stepId = ((Idempotent.Fresh<CreatedSteps>) first)
                .value()
                .steps()
                .getFirst()
                .stepId();
        assertThat(again)
                .isInstanceOfSatisfying(
                        Idempotent.Replayed.class,
                        replayed -> assertThat(replayed.body()).contains(stepId));
        long stored = fx.database.lookup(tx -> tx.one(
                        "select count(*) from steps where task_id = ?",
                        RowMapper.COUNT,
                        task.task().taskId())
                .orElseThrow());
        assertThat(stored).as("init and the one added once").isEqualTo(2);
    }

    private static long tasksOf(String user) {
        return fx.database.lookup(
                tx -> tx.one("select count(*) from tasks where user_address = ?", RowMapper.COUNT, user)
                        .orElseThrow());
    }
}
