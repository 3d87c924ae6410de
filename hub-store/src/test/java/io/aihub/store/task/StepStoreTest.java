package io.aihub.store.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.aihub.protocol.ApiError;
import io.aihub.protocol.Envelopes.CreatedTask;
import io.aihub.protocol.Envelopes.TaskWithSteps;
import io.aihub.protocol.NewStep;
import io.aihub.protocol.Status;
import io.aihub.protocol.StepRecord;
import io.aihub.protocol.StepUpdate;
import io.aihub.store.agent.Agent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class StepStoreTest extends WithFixtures {
    private String owner;
    private String subscriber;
    private Agent agent;

    @BeforeEach
    void accounts() {
        owner = fx.account();
        subscriber = fx.account();
        agent = fx.agent(owner);
    }

    @Test
    void createTask_storesPendingTaskAndInitStepCarryingTheQuery_andAnnouncesTheStep() {
        CreatedTask created = fx.task(agent, subscriber, "summarise this");

        assertThat(created.task().taskStatus()).isEqualTo(Status.Pending);
        assertThat(created.task().taskId()).matches("task-[0-9a-f-]{36}");
        assertThat(created.task().owner()).isEqualTo(owner);
        assertThat(created.task().user()).isEqualTo(subscriber);
        assertThat(created.task().createdAt()).isEqualTo(Fixtures.T0);
        StepRecord init = created.steps().getFirst();
        assertThat(init.name()).isEqualTo("init");
        assertThat(init.stepStatus()).isEqualTo(Status.Pending);
        assertThat(init.inputQuery()).isEqualTo("summarise this");
        assertThat(init.order()).isEqualTo(1);
        assertThat(init.stepId()).matches("step-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
        assertThat(fx.events(created.task().taskId())).containsExactly("step-updated:init:Pending");
    }

    @Test
    void completingTheLastStep_completesTheTask_copiesTheOutput_sumsTheCost_andAnnouncesOnce() {
        CreatedTask created = fx.task(agent, subscriber, "q");
        String taskId = created.task().taskId();
        StepRecord init = created.steps().getFirst();
        StepRecord last = fx.steps
                .create(owner, agent.did(), taskId, List.of(step("finish", null, true)))
                .steps()
                .getFirst();

        fx.steps.update(owner, agent.did(), taskId, init.stepId(), completed("first", 2L, null));
        fx.steps.update(
                owner,
                agent.did(),
                taskId,
                last.stepId(),
                new StepUpdate(
                        Status.Completed,
                        "final answer",
                        Map.of("k", "v"),
                        List.of(Map.of("artifact_id", "a", "url", "u")),
                        3L,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null));

        TaskWithSteps task = fx.tasks.withSteps(agent.did(), taskId, subscriber);
        assertThat(task.task().taskStatus()).isEqualTo(Status.Completed);
        assertThat(task.task().output()).isEqualTo("final answer");
        assertThat(task.task().outputAdditional()).isEqualTo("{\"k\": \"v\"}");
        assertThat(task.task().outputArtifacts()).contains("\"artifact_id\": \"a\"");
        assertThat(task.task().cost()).isEqualTo(5);
        assertThat(fx.events(taskId))
                .containsExactly(
                        "step-updated:init:Pending",
                        "step-changed:finish:Not_Ready", // created, for those watching the task
                        "step-updated:finish:Pending",
                        "task-updated:In_Progress",
                        "task-updated:Completed");
    }

    @Test
    void completingAStep_makesItsWaitingSuccessorPending_withThePredecessorsOutputAsInput() {
        CreatedTask created = fx.task(agent, subscriber, "q");
        String taskId = created.task().taskId();
        List<StepRecord> added = fx.steps
                .create(
                        owner,
                        agent.did(),
                        taskId,
                        List.of(step("transcribe", null, false), step("summarise", null, true)))
                .steps();
        assertThat(added).extracting(StepRecord::stepStatus).containsExactly(Status.Not_Ready, Status.Not_Ready);
        assertThat(added.get(0).predecessor())
                .isEqualTo(created.steps().getFirst().stepId());
        assertThat(added.get(1).predecessor()).isEqualTo(added.get(0).stepId());
        assertThat(added).extracting(StepRecord::order).containsExactly(2, 3);
        assertThat(added.get(0).isWaiting()).isTrue();

        fx.steps.update(
                owner,
                agent.did(),
                taskId,
                created.steps().getFirst().stepId(),
                completed("the transcript", 1L, false));

        List<StepRecord> steps = fx.tasks.withSteps(agent.did(), taskId, owner).steps();
        assertThat(steps)
                .extracting(StepRecord::stepStatus)
                .containsExactly(Status.Completed, Status.Pending, Status.Not_Ready);
        assertThat(steps.get(1).inputQuery()).isEqualTo("the transcript");
        assertThat(fx.tasks.withSteps(agent.did(), taskId, owner).task().taskStatus())
                .isEqualTo(Status.In_Progress);
    }

    @Test
    void failingAStep_failsTheTaskWithTheStepsOutput() {
        CreatedTask created = fx.task(agent, subscriber, "q");
        String taskId = created.task().taskId();

        fx.steps.update(
                owner,
                agent.did(),
                taskId,
                created.steps().getFirst().stepId(),
                new StepUpdate(
                        Status.Failed,
                        "model unavailable",
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null));

        var task = fx.tasks.withSteps(agent.did(), taskId, subscriber).task();
        assertThat(task.taskStatus()).isEqualTo(Status.Failed);
        assertThat(task.output()).isEqualTo("model unavailable");
        assertThat(fx.events(taskId)).endsWith("task-updated:Failed");
    }

    @Test
    void aFinishedStep_saidAgainIsReturnedUnchanged_whileAnotherStatusIsRefusedWith409NamingBoth() {
        CreatedTask created = fx.task(agent, subscriber, "q");
        String taskId = created.task().taskId();
        String init = created.steps().getFirst().stepId();
        StepRecord done = fx.steps.update(owner, agent.did(), taskId, init, completed("once", 1L, true));
        List<String> before = fx.events(taskId);

        ApiError refused = catchThrowableOfType(
                ApiError.class,
                () -> fx.steps.update(
                        owner,
                        agent.did(),
                        taskId,
                        init,
                        new StepUpdate(
                                Status.Failed,
                                "twice",
                                null,
                                null,
                                9L,
                                null,
                                null,
                                null,
                                null,
                                null,
                                null,
                                null,
                                null,
                                null)));
        StepRecord again = fx.steps.update(owner, agent.did(), taskId, init, completed("said again", 2L, true));

        assertThat(refused.kind()).isEqualTo(ApiError.Kind.CONFLICT);
        assertThat(refused.getMessage()).contains("is Completed", "cannot become Failed");
        assertThat(again).isEqualTo(done);
        assertThat(fx.events(taskId)).isEqualTo(before);
        assertThat(fx.tasks.withSteps(agent.did(), taskId, owner).task().taskStatus())
                .isEqualTo(Status.Completed);
    }

    @Test
    void whenATaskEnds_itsStepsThatNeverRanAreClosed_andTakeNoMoreUpdates() {
        CreatedTask created = fx.task(agent, subscriber, "q");
        String taskId = created.task().taskId();
        String init = created.steps().getFirst().stepId();
        List<StepRecord> added = fx.steps
                .create(
                        owner,
                        agent.did(),
                        taskId,
                        List.of(
                                step("waiting", init, true),
                                new NewStep(
                                        null,
                                        "runner",
                                        null,
                                        init,
                                        null,
                                        Status.Pending,
                                        null,
                                        null,
                                        null,
                                        null,
                                        null)))
                .steps();
        fx.steps.update(
                owner,
                agent.did(),
                taskId,
                added.get(1).stepId(),
                new StepUpdate(
                        Status.Failed,
                        "broke",
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null));
        List<String> before = fx.events(taskId);

        ApiError late = catchThrowableOfType(
                ApiError.class, () -> fx.steps.update(owner, agent.did(), taskId, init, completed("late", 3L, false)));

        assertThat(late.kind()).isEqualTo(ApiError.Kind.CONFLICT);
        assertThat(late.getMessage()).contains("is Failed", "cannot become Completed");
        assertThat(fx.events(taskId)).isEqualTo(before);
        var task = fx.tasks.withSteps(agent.did(), taskId, owner);
        assertThat(task.task().taskStatus()).isEqualTo(Status.Failed);
        assertThat(task.steps())
                .extracting(StepRecord::stepStatus)
                .containsExactly(Status.Failed, Status.Failed, Status.Failed);
        assertThat(task.steps().get(0).output()).startsWith("closed:");
        assertThat(fx.steps.toReplay(owner, Status.Pending, List.of(agent.did()), 10))
                .isEmpty();
    }

    @Test
    void aStepCreatedWithAPythonStyleId_canBeUpdatedAndFoundByThatSameId() {
        CreatedTask created = fx.task(agent, subscriber, "q");
        String taskId = created.task().taskId();
        String pythonId = "step-$" + UUID.randomUUID().toString().toUpperCase();
        fx.steps.create(
                owner,
                agent.did(),
                taskId,
                List.of(new NewStep(pythonId, "py", null, null, null, Status.Pending, null, null, null, null, null)));

        StepRecord updated = fx.steps.update(owner, agent.did(), taskId, pythonId, completed("ok", 1L, false));

        assertThat(updated.stepStatus()).isEqualTo(Status.Completed);
        assertThat(fx.steps
                        .search(owner, new io.aihub.protocol.StepSearch(pythonId, null, null, null, null, null, null))
                        .steps())
                .extracting(StepRecord::stepId)
                .containsExactly(updated.stepId());
    }

    @Test
    void theTasksCreator_isToldItMayNotWorkOnTheSteps_whileStrangersLearnNothing() {
        CreatedTask created = fx.task(agent, subscriber, "q");
        String taskId = created.task().taskId();
        String init = created.steps().getFirst().stepId();

        assertThatThrownBy(() -> fx.steps.update(subscriber, agent.did(), taskId, init, completed("x", 1L, true)))
                .isInstanceOfSatisfying(
                        ApiError.class, e -> assertThat(e.kind()).isEqualTo(ApiError.Kind.FORBIDDEN));
        assertThatThrownBy(() -> fx.steps.update(fx.account(), agent.did(), taskId, init, completed("x", 1L, true)))
                .isInstanceOfSatisfying(
                        ApiError.class, e -> assertThat(e.kind()).isEqualTo(ApiError.Kind.NOT_FOUND));
    }

    @Test
    void concurrentCompletionsOfOneStep_applyOnce_andAnnounceTheTaskOnce() throws Exception {
        CreatedTask created = fx.task(agent, subscriber, "q");
        String taskId = created.task().taskId();
        String init = created.steps().getFirst().stepId();
        int writers = 6;
        CyclicBarrier start = new CyclicBarrier(writers);
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Future<StepRecord>> results = new ArrayList<>();
            for (int i = 0; i < writers; i++) {
                String output = "writer " + i;
                Callable<StepRecord> write = () -> {
                    start.await();
                    return fx.steps.update(owner, agent.did(), taskId, init, completed(output, 1L, true));
                };
                results.add(pool.submit(write));
            }
            List<String> outputs = new ArrayList<>();
            for (Future<StepRecord> result : results) {
                outputs.add(result.get().output());
            }
            assertThat(outputs).containsOnly(outputs.getFirst());
        } finally {
            pool.shutdownNow();
        }
        assertThat(fx.events(taskId)).containsExactly("step-updated:init:Pending", "task-updated:Completed");
        assertThat(fx.tasks.withSteps(agent.did(), taskId, owner).task().cost()).isEqualTo(1);
    }

    @Test
    void createSteps_normalisesPythonStepIds_andKeepsTheChainLinked() {
        CreatedTask created = fx.task(agent, subscriber, "q");
        UUID first = UUID.randomUUID();
        UUID second = UUID.randomUUID();
        List<StepRecord> added = fx.steps
                .create(
                        owner,
                        agent.did(),
                        created.task().taskId(),
                        List.of(
                                new NewStep(
                                        "step-$" + first, "a", null, null, null, null, null, null, null, null, null),
                                new NewStep(
                                        "step-$" + second,
                                        "b",
                                        null,
                                        "step-$" + first,
                                        true,
                                        null,
                                        null,
                                        null,
                                        null,
                                        null,
                                        null)))
                .steps();

        assertThat(added).extracting(StepRecord::stepId).containsExactly("step-" + first, "step-" + second);
        assertThat(added.get(1).predecessor()).isEqualTo("step-" + first);
    }

    @Test
    void createSteps_withAStepWhosePredecessorIsCompleted_isPendingAndAnnounced_withThatOutputAsInput() {
        CreatedTask created = fx.task(agent, subscriber, "q");
        String taskId = created.task().taskId();
        String init = created.steps().getFirst().stepId();
        fx.steps.update(owner, agent.did(), taskId, init, completed("init output", 0L, false));

        StepRecord late = fx.steps
                .create(owner, agent.did(), taskId, List.of(step("late", init, true)))
                .steps()
                .getFirst();

        assertThat(late.stepStatus()).isEqualTo(Status.Pending);
        assertThat(late.inputQuery()).isEqualTo("init output");
        assertThat(fx.events(taskId)).contains("step-updated:late:Pending");
    }

    @Test
    void createSteps_refusesDuplicateIds_unknownPredecessors_andFinishedTasks_writingNothing() {
        CreatedTask created = fx.task(agent, subscriber, "q");
        String taskId = created.task().taskId();
        String id = "step-" + UUID.randomUUID();
        NewStep once = new NewStep(id, "a", null, null, null, null, null, null, null, null, null);

        assertThatThrownBy(() -> fx.steps.create(owner, agent.did(), taskId, List.of(once, once)))
                .isInstanceOfSatisfying(
                        ApiError.class, e -> assertThat(e.kind()).isEqualTo(ApiError.Kind.CONFLICT));
        assertThatThrownBy(() -> fx.steps.create(
                        owner, agent.did(), taskId, List.of(step("x", "step-" + UUID.randomUUID(), false))))
                .isInstanceOfSatisfying(
                        ApiError.class, e -> assertThat(e.getMessage()).contains("steps[0].predecessor"));
        assertThat(fx.tasks.withSteps(agent.did(), taskId, owner).steps()).hasSize(1);

        fx.steps.update(owner, agent.did(), taskId, created.steps().getFirst().stepId(), completed("x", 0L, true));
        assertThatThrownBy(() -> fx.steps.create(owner, agent.did(), taskId, List.of(step("after", null, false))))
                .isInstanceOfSatisfying(
                        ApiError.class, e -> assertThat(e.kind()).isEqualTo(ApiError.Kind.CONFLICT));
    }

    @Test
    void anotherAccount_cannotUpdateOrAddSteps_andChangesNothing() {
        CreatedTask created = fx.task(agent, subscriber, "q");
        String taskId = created.task().taskId();
        String init = created.steps().getFirst().stepId();

        for (String stranger : List.of(subscriber, fx.account())) {
            assertThatThrownBy(() -> fx.steps.update(stranger, agent.did(), taskId, init, completed("x", 1L, true)))
                    .isInstanceOf(ApiError.class);
            assertThatThrownBy(() -> fx.steps.create(stranger, agent.did(), taskId, List.of(step("x", null, false))))
                    .isInstanceOf(ApiError.class);
        }
        assertThat(fx.tasks.withSteps(agent.did(), taskId, owner).steps())
                .singleElement()
                .extracting(StepRecord::stepStatus)
                .isEqualTo(Status.Pending);
        assertThat(fx.events(taskId)).containsExactly("step-updated:init:Pending");
    }

    @Test
    void freeFormOutputs_areStoredInTheShapesStrictReadersAccept() {
        CreatedTask created = fx.task(agent, subscriber, "q");
        String taskId = created.task().taskId();
        StepRecord step = fx.steps.update(
                owner,
                agent.did(),
                taskId,
                created.steps().getFirst().stepId(),
                new StepUpdate(
                        Status.In_Progress,
                        Map.of("text", "hi"),
                        "success",
                        "https://example.org/a.mp3",
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null));

        assertThat(step.output()).isEqualTo("{\"text\":\"hi\"}");
        assertThat(step.outputAdditional()).isEqualTo("{\"value\": \"success\"}");
        assertThat(step.outputArtifacts()).isEqualTo("[\"https://example.org/a.mp3\"]");
    }

    @Test
    void updatesRefusedAmongOthersSentAtOnce_getTheir409Alone_andTheOthersApply() throws Exception {
        List<CreatedTask> tasks = new ArrayList<>();
        List<Callable<Object>> updates = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            CreatedTask task = fx.task(agent, subscriber, "q" + i);
            tasks.add(task);
            StepUpdate update = i % 2 == 0
                    ? completed("done", 1L, true)
                    : new StepUpdate(
                            Status.Not_Ready,
                            null,
                            null,
                            null,
                            null,
                            null,
                            null,
                            null,
                            null,
                            null,
                            null,
                            null,
                            null,
                            null);
            updates.add(() -> fx.steps.update(
                    owner,
                    agent.did(),
                    task.task().taskId(),
                    task.steps().getFirst().stepId(),
                    update));
        }

        List<Object> answers = Fixtures.atOnce(updates);

        for (int i = 0; i < tasks.size(); i++) {
            Status taskStatus = fx.tasks
                    .withSteps(agent.did(), tasks.get(i).task().taskId(), owner)
                    .task()
                    .taskStatus();
            if (i % 2 == 0) {
                assertThat(answers.get(i)).isInstanceOf(StepRecord.class);
                assertThat(taskStatus).isEqualTo(Status.Completed);
            } else {
                assertThat(answers.get(i))
                        .isInstanceOfSatisfying(
                                ApiError.class,
                                refused -> assertThat(refused.getMessage()).contains("from Pending to Not_Ready"));
                assertThat(taskStatus).isEqualTo(Status.Pending);
            }
        }
    }

    private static NewStep step(String name, String predecessor, boolean last) {
        return new NewStep(null, name, null, predecessor, last, null, null, null, null, null, null);
    }

    @Test
    void aStepChangeThatMovesNoTask_isAnnouncedAsStepChanged_toThoseWatchingTheTask() {
        CreatedTask created = fx.task(agent, subscriber, "watched");
        String taskId = created.task().taskId();
        String init = created.steps().getFirst().stepId();
        StepUpdate working = new StepUpdate(
                Status.In_Progress, "halfway", null, null, null, null, null, null, null, null, null, null, null, null);

        fx.steps.update(owner, agent.did(), taskId, init, working); // the task starts: task-updated says so
        fx.steps.update(owner, agent.did(), taskId, init, working); // progress only: nothing else would say it

        assertThat(fx.events(taskId))
                .containsExactly(
                        "step-updated:init:Pending", "task-updated:In_Progress", "step-changed:init:In_Progress");
    }

    private static StepUpdate completed(String output, Long cost, Boolean isLast) {
        return new StepUpdate(
                Status.Completed, output, null, null, cost, isLast, null, null, null, null, null, null, null, null);
    }
}
