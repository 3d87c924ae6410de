package io.aihub.store.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.aihub.protocol.ApiError;
import io.aihub.protocol.Envelopes.CreatedTask;
import io.aihub.protocol.Status;
import io.aihub.protocol.StepRecord;
import io.aihub.protocol.StepUpdate;
import io.aihub.protocol.Transitions;
import io.aihub.store.agent.Agent;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every pair of statuses: as an agent's update of a step in the first asking for the second, and as
 * the hub's move of a task from the first to the second.
 */
class TransitionsTest extends WithFixtures {

    static Stream<Arguments> everyPair() {
        return Arrays.stream(Status.values())
                .flatMap(from -> Arrays.stream(Status.values()).map(to -> Arguments.of(from, to)));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("everyPair")
    void anAgentsUpdate_movesAStepExactlyAsTheTableSays(Status from, Status to) {
        String owner = fx.account();
        Agent agent = fx.agent(owner);
        CreatedTask created = fx.task(agent, fx.account(), "q");
        String taskId = created.task().taskId();
        String stepId = created.steps().getFirst().stepId();
        fx.database.transaction(tx -> tx.update( // the step put in `from` behind the store's back
                "update steps set step_status = ? where step_id = ?", from, stepId));

        StepUpdate update =
                new StepUpdate(to, "out", null, null, null, false, null, null, null, null, null, null, null, null);
        if (Transitions.stepMay(from, to)) {
            StepRecord step = fx.steps.update(owner, agent.did(), taskId, stepId, update);
            assertThat(step.stepStatus()).isEqualTo(to);
        } else {
            ApiError refused = catchThrowableOfType(
                    ApiError.class, () -> fx.steps.update(owner, agent.did(), taskId, stepId, update));
            assertThat(refused.kind()).isEqualTo(ApiError.Kind.CONFLICT);
            assertThat(refused.getMessage()).contains(from.wire(), to.wire());
            String stored = fx.database.lookup(
                    tx -> tx.one("select step_status from steps where step_id = ?", row -> row.getString(1), stepId)
                            .orElseThrow());
            assertThat(stored).as("unchanged").isEqualTo(from.wire());
        }
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("everyPair")
    void theHubMovesATaskExactlyAsTheTableSays(Status from, Status to) {
        Agent agent = fx.agent(fx.account());
        CreatedTask created = fx.task(agent, fx.account(), "q");
        String taskId = created.task().taskId();
        StepRecord step = created.steps().getFirst();
        fx.database.transaction(tx -> tx.update( // the task put in `from` behind the store's back
                "update tasks set task_status = ? where task_id = ?", from, taskId));

        switch (to) {
            case In_Progress -> fx.database.transaction(tx -> StepStore.progress(tx, taskId, true, Fixtures.T0));
            case Completed -> fx.database.transaction(tx -> TaskEnding.complete(tx, taskId, step, Fixtures.T0));
            case Failed ->
                fx.database.transaction(tx -> TaskEnding.fail(tx, taskId, "why", "closed: why", Fixtures.T0));
            case Pending, Not_Ready ->
                assertThat(Transitions.taskSourcesFor(to))
                        .as("no move of the hub's takes a task to %s", to)
                        .isEmpty();
        }

        String stored = fx.database.lookup(
                tx -> tx.one("select task_status from tasks where task_id = ?", row -> row.getString(1), taskId)
                        .orElseThrow());
        assertThat(stored).isEqualTo(Transitions.taskMay(from, to) ? to.wire() : from.wire());
    }
}
