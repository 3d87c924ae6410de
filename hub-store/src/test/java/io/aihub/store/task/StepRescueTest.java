package io.aihub.store.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.aihub.protocol.ApiError;
import io.aihub.protocol.Envelopes.CreatedTask;
import io.aihub.protocol.Envelopes.TaskWithSteps;
import io.aihub.protocol.SocketPayloads.NewTaskLog;
import io.aihub.protocol.Status;
import io.aihub.protocol.StepRecord;
import io.aihub.protocol.StepUpdate;
import io.aihub.store.agent.Agent;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;

/**
 * Expired leases, with the store's clock fixed at {@link Fixtures#T0} (when every step here was last
 * updated) and the rescuer's clock a few seconds later.
 */
class StepRescueTest extends WithFixtures {
    private static final StepLeases ONE_SECOND_THREE_ATTEMPTS = new StepLeases(Duration.ofSeconds(1), 3);

    private StepRescue rescueAt(Duration afterT0) {
        return new StepRescue(fx.database, InstantSource.fixed(Fixtures.T0.plus(afterT0)), ONE_SECOND_THREE_ATTEMPTS);
    }

    @Test
    void aPendingStepNobodyUpdatedWithinItsLease_isHandedOutAgain_announcedAsANewPendingStep() {
        Agent agent = fx.agent(fx.account());
        CreatedTask created = fx.task(agent, fx.account(), "q");

        StepRescue.Swept swept = rescueAt(Duration.ofSeconds(2)).sweep();

        assertThat(swept.handedOutAgain()).isGreaterThanOrEqualTo(1);
        StepRecord init = stepOf(agent, created);
        assertThat(init.stepStatus()).isEqualTo(Status.Pending);
        assertThat(init.retries()).isEqualTo(1);
        assertThat(fx.events(created.task().taskId()))
                .as("to its workers, and to those watching the task")
                .containsExactly("step-updated:init:Pending", "step-updated:init:Pending", "step-changed:init:Pending");
    }

    @Test
    void aStepWithinItsLease_orOfAnAgentWithALongerOne_isLeftAlone() {
        Agent patient = fx.agent(fx.account());
        fx.agents.setLeases(patient.owner(), patient.did(), 3600, null);
        CreatedTask created = fx.task(patient, fx.account(), "q");

        rescueAt(Duration.ofMillis(500)).sweep();
        rescueAt(Duration.ofSeconds(30)).sweep();

        assertThat(stepOf(patient, created).retries()).isZero();
        assertThat(fx.events(created.task().taskId())).containsExactly("step-updated:init:Pending");
    }

    @Test
    void onItsLastAttempt_anExpiredStepFails_andFailsItsTask_sayingWhy() {
        Agent agent = fx.agent(fx.account());
        CreatedTask created = fx.task(agent, fx.account(), "q");
        fx.database.transaction(tx -> tx.update( // two attempts made already
                "update steps set retries = 2 where task_id = ?", created.task().taskId()));

        StepRescue.Swept swept = rescueAt(Duration.ofSeconds(2)).sweep();

        assertThat(swept.failed()).isGreaterThanOrEqualTo(1);
        TaskWithSteps task = fx.tasks.withSteps(agent.did(), created.task().taskId(), agent.owner());
        assertThat(task.task().taskStatus()).isEqualTo(Status.Failed);
        assertThat(task.task().output()).contains("within its lease of 1 s, in 3 attempts");
        assertThat(task.steps().getFirst().stepStatus()).isEqualTo(Status.Failed);
        assertThat(fx.events(created.task().taskId()))
                .containsExactly("step-updated:init:Pending", "task-updated:Failed");
    }

    @Test
    void aLateUpdateFromTheWorkerThatLostItsLease_isRefused_whileTheNewAttemptsUpdateApplies() {
        Agent agent = fx.agent(fx.account());
        CreatedTask created = fx.task(agent, fx.account(), "q");
        String taskId = created.task().taskId();
        String stepId = created.steps().getFirst().stepId();
        rescueAt(Duration.ofSeconds(2)).sweep();

        ApiError late = catchThrowableOfType(
                ApiError.class, () -> fx.steps.update(agent.owner(), agent.did(), taskId, stepId, finish("late", 0)));
        StepRecord done = fx.steps.update(agent.owner(), agent.did(), taskId, stepId, finish("rescued", 1));

        assertThat(late.kind()).isEqualTo(ApiError.Kind.CONFLICT);
        assertThat(late.getMessage()).contains("attempt 0", "now attempt 1");
        assertThat(done.stepStatus()).isEqualTo(Status.Completed);
        assertThat(done.output()).isEqualTo("rescued");
    }

    @Test
    void sweepsRunningAtOnce_rescueEachExpiredStepOnce() throws Exception {
        Agent agent = fx.agent(fx.account());
        List<CreatedTask> tasks = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            tasks.add(fx.task(agent, fx.account(), "q" + i));
        }
        List<Callable<Object>> sweeps = new ArrayList<>();
        for (int i = 0; i < 4; i++) { // four nodes' rescuers at the same moment
            StepRescue node = rescueAt(Duration.ofSeconds(2));
            sweeps.add(node::sweep);
        }
        Fixtures.atOnce(sweeps);
        rescueAt(Duration.ofMillis(2500)).sweep(); // what a sweep that lost its turn left: nothing due any more

        for (CreatedTask task : tasks) {
            assertThat(stepOf(agent, task).retries())
                    .as("attempts of %s", task.task().taskId())
                    .isEqualTo(1);
            assertThat(fx.events(task.task().taskId())).hasSize(3); // created; handed out again, twice said
        }
    }

    @Test
    void aHeartbeatOrALogLineOfTheOwnerNamingTheStep_renewsItsLease_aLineOfTheCreatorDoesNot() {
        Agent agent = fx.agent(fx.account());
        String user = fx.account();
        CreatedTask beating = fx.task(agent, user, "heartbeat");
        CreatedTask logging = fx.task(agent, user, "the owner's log line");
        CreatedTask asked = fx.task(agent, user, "the creator's log line");
        InstantSource fiveSecondsLater = InstantSource.fixed(Fixtures.T0.plusSeconds(5));
        try (LifecycleWrites writes = new LifecycleWrites(fx.database, fiveSecondsLater);
                TaskStore tasks = new TaskStore(fx.database, fiveSecondsLater, TaskLimits.DEFAULTS, writes)) {
            StepStore steps = new StepStore(fx.database, fiveSecondsLater, TaskLimits.DEFAULTS, writes);
            steps.update(agent.owner(), agent.did(), taskId(beating), stepId(beating), inProgress());
            tasks.appendLog(
                    agent.owner(), new NewTaskLog(taskId(logging), "working on it", "info", null, stepId(logging)));
            tasks.appendLog(user, new NewTaskLog(taskId(asked), "are you there?", "info", null, stepId(asked)));
        }

        rescueAt(Duration.ofMillis(5500)).sweep(); // half a second after the renewals: within the lease of 1 s

        assertThat(stepOf(agent, beating).retries()).isZero();
        assertThat(stepOf(agent, beating).stepStatus()).isEqualTo(Status.In_Progress);
        assertThat(stepOf(agent, logging).retries()).isZero();
        assertThat(stepOf(agent, asked).retries()).isEqualTo(1);
    }

    private static String taskId(CreatedTask created) {
        return created.task().taskId();
    }

    private static String stepId(CreatedTask created) {
        return created.steps().getFirst().stepId();
    }

    private static StepUpdate inProgress() {
        return new StepUpdate(
                Status.In_Progress, null, null, null, null, null, null, null, null, null, null, null, null, null);
    }

    private static StepRecord stepOf(Agent agent, CreatedTask created) {
        return fx.tasks
                .withSteps(agent.did(), created.task().taskId(), agent.owner())
                .steps()
                .getFirst();
    }

    private static StepUpdate finish(String output, int attempt) {
        return new StepUpdate(
                Status.Completed, output, null, null, 1L, true, null, null, null, null, null, null, null, attempt);
    }
}
