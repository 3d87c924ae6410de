package io.aihub.store.task;

import static org.assertj.core.api.Assertions.assertThat;

import io.aihub.protocol.ApiError;
import io.aihub.protocol.Envelopes.CreatedTask;
import io.aihub.protocol.NewStep;
import io.aihub.protocol.Status;
import io.aihub.protocol.StepRecord;
import io.aihub.protocol.StepUpdate;
import io.aihub.protocol.TaskRecord;
import io.aihub.store.agent.Agent;
import io.aihub.store.jdbc.Pipeline;
import io.aihub.store.outbox.Announcements;
import io.aihub.store.outbox.TaskGates;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A batch of step updates applied together ({@link StepChanges}, set-based for the first update of each
 * task) ends exactly as the same updates applied one per transaction, statement by statement
 * ({@link StepChanges#applyAlone}), in the same order: the same answers, the same tasks and steps, every
 * column, the same events in the same order per task.
 */
class StepChangesTest extends WithFixtures {

    /** A world of tasks in the states the updates need, and the updates, in arrival order. */
    private record World(List<String> taskIds, List<StepChange> changes) {}

    @Test
    void aBatchOfMixedUpdates_endsAsTheSameUpdatesOneAtATime() throws Exception {
        World together = world();
        World oneByOne = world();

        List<Object> batchAnswers = fx.database.transaction(tx -> {
            Pipeline first = tx.pipeline();
            TaskGates.enter(
                    first, together.changes().stream().map(StepChange::taskId).toList());
            StepChanges.Planned planned = StepChanges.plan(first, together.changes());
            first.run();
            Announcements announced = new Announcements();
            List<Object> answers = StepChanges.apply(tx, planned, announced);
            announced.append(tx);
            return answers;
        });
        List<Object> aloneAnswers = new ArrayList<>();
        for (StepChange change : oneByOne.changes()) { // statement by statement, one transaction each
            aloneAnswers.add(fx.database.transaction(tx -> {
                TaskGates.enter(tx, List.of(change.taskId()));
                Announcements announced = new Announcements();
                try {
                    StepRecord step = StepChanges.applyAlone(tx, change, announced);
                    announced.append(tx);
                    return step;
                } catch (ApiError refused) {
                    return refused; // it wrote nothing
                }
            }));
        }

        assertThat(batchAnswers.stream().map(StepChangesTest::answer).toList())
                .isEqualTo(aloneAnswers.stream().map(StepChangesTest::answer).toList())
                .contains("ApiError NOT_FOUND", "ApiError CONFLICT", "ApiError BAD_REQUEST", "ApiError FORBIDDEN");
        for (int i = 0; i < together.taskIds().size(); i++) {
            assertThat(outcome(together.taskIds().get(i)))
                    .as("task %d of the world", i)
                    .isEqualTo(outcome(oneByOne.taskIds().get(i)));
        }
        assertThat(fx.events(together.taskIds().getFirst()))
                .as("two updates of one task in one batch: in arrival order")
                .containsExactly("step-updated:init:Pending", "task-updated:In_Progress", "task-updated:Completed");
        assertThat(fx.events(together.taskIds().get(1)))
                .as("a completed step that is not the last activates its successor")
                .containsExactly(
                        "step-updated:init:Pending",
                        "step-changed:next:Not_Ready",
                        "step-updated:next:Pending",
                        "task-updated:In_Progress");
    }

    private static World world() {
        Agent agent = fx.agent(fx.account());
        String stranger = fx.account();
        String user = fx.account();
        List<String> taskIds = new ArrayList<>();
        List<StepChange> changes = new ArrayList<>();

        CreatedTask twice = fx.task(agent, user, "started, then finished, in one batch");
        taskIds.add(twice.task().taskId());
        changes.add(change(agent, twice, status(Status.In_Progress, null, null)));
        changes.add(change(agent, twice, status(Status.Completed, "one", true)));

        CreatedTask chain = fx.task(agent, user, "a chain of two");
        taskIds.add(chain.task().taskId());
        addStep(agent, chain, "next", true);
        changes.add(change(agent, chain, status(Status.Completed, "first half", false)));

        CreatedTask failing = fx.task(agent, user, "fails");
        taskIds.add(failing.task().taskId());
        changes.add(change(agent, failing, status(Status.Failed, "broke", null)));

        CreatedTask finished = fx.task(agent, user, "finished before the batch");
        taskIds.add(finished.task().taskId());
        StepChange finishing = change(agent, finished, status(Status.Completed, "done", true));
        update(finishing);
        changes.add(finishing); // said again
        changes.add(change(agent, finished, status(Status.In_Progress, null, null))); // 409

        CreatedTask others = fx.task(agent, user, "refused updates");
        taskIds.add(others.task().taskId());
        String othersStep = others.steps().getFirst().stepId();
        // 404 (no such step), 404 (not the stranger's agent), 400 (no such predecessor)
        changes.add(change(agent.owner(), agent.did(), others, "step-missing", status(Status.Completed, "x", true)));
        changes.add(change(stranger, agent.did(), others, othersStep, status(Status.Completed, "x", true)));
        changes.add(change(agent, others, Fixtures.stepUpdate(Map.of("predecessor", "step-nowhere"))));

        // Each the first update of its task, so applied as a set, and refused: the statement that writes
        // the set must leave each alone, and the answer must say why.
        CreatedTask readable = fx.task(agent, user, "updated by its user, who may read it but not work on it");
        taskIds.add(readable.task().taskId());
        changes.add(completionBy(user, agent.did(), readable)); // 403
        CreatedTask strangers = fx.task(agent, user, "updated by a stranger");
        taskIds.add(strangers.task().taskId());
        changes.add(completionBy(stranger, agent.did(), strangers)); // 404
        CreatedTask otherAgents = fx.task(agent, user, "updated as if of another agent");
        taskIds.add(otherAgents.task().taskId());
        changes.add(completionBy(agent.owner(), fx.agent(agent.owner()).did(), otherAgents)); // 404
        CreatedTask waiting = fx.task(agent, user, "a step still waiting for its predecessor");
        taskIds.add(waiting.task().taskId());
        String waitingStep = addStep(agent, waiting, "after", true);
        changes.add(change(
                agent.owner(), agent.did(), waiting, waitingStep, status(Status.Completed, "early", true))); // 409
        CreatedTask untouched = fx.task(agent, user, "a task whose step another task's update names");
        taskIds.add(untouched.task().taskId());
        CreatedTask crossed = fx.task(agent, user, "updated with another task's step");
        taskIds.add(crossed.task().taskId());
        changes.add(change(
                agent.owner(),
                agent.did(),
                crossed,
                untouched.steps().getFirst().stepId(),
                status(Status.Completed, "x", true))); // 404
        CreatedTask waitingRenamed = fx.task(agent, user, "a waiting step's fields, its status left as it is");
        taskIds.add(waitingRenamed.task().taskId());
        String laterStep = addStep(agent, waitingRenamed, "later", true);
        changes.add(change(
                agent.owner(),
                agent.did(),
                waitingRenamed,
                laterStep,
                Fixtures.stepUpdate(Map.of("name", "renamed while waiting")))); // applies
        CreatedTask handedOutAgain = fx.task(agent, user, "a step handed out again");
        taskIds.add(handedOutAgain.task().taskId());
        setStep(handedOutAgain, "retries = 2");
        changes.add(change(agent, handedOutAgain, attempt(1))); // 409: an older attempt
        changes.add(change(agent, handedOutAgain, attempt(2))); // applies, alone
        CreatedTask closed = fx.task(agent, user, "a task failed with a step left open");
        taskIds.add(closed.task().taskId());
        setTask(closed, "task_status = 'Failed'");
        changes.add(change(agent, closed, status(Status.In_Progress, null, null))); // 409
        CreatedTask lastButOpen = fx.task(agent, user, "a step completed as the last while its task is still open");
        taskIds.add(lastButOpen.task().taskId());
        setStep(lastButOpen, "step_status = 'Completed', is_last = true");
        changes.add(change(agent, lastButOpen, status(Status.Completed, "again", true))); // said again: the task stays

        CreatedTask renamed = fx.task(agent, user, "renamed, with no status");
        taskIds.add(renamed.task().taskId());
        changes.add(change(
                agent,
                renamed,
                Fixtures.stepUpdate(Map.of("cost", 7, "name", "renamed", "order", 3, "input_query", "q"))));

        for (String name : List.of("completed with a step still open", "completed with another still open")) {
            CreatedTask closing = fx.task(agent, user, name);
            taskIds.add(closing.task().taskId());
            addStep(agent, closing, "side", false);
            changes.add(change(agent, closing, status(Status.Completed, name, true)));
        }

        CreatedTask shaped = fx.task(agent, user, "JSON fields");
        taskIds.add(shaped.task().taskId());
        changes.add(change(
                agent,
                shaped,
                Fixtures.stepUpdate(Map.of(
                        "step_status", "In_Progress",
                        "output_additional", Map.of("k", "v"),
                        "output_artifacts", List.of(Map.of("artifact_id", "a", "url", "u")),
                        "input_additional", Map.of("x", 1),
                        "input_artifacts", List.of("ref")))));
        return new World(taskIds, changes);
    }

    /** Adds a step after the task's latest, Not_Ready until that one completes; its id. */
    private static String addStep(Agent agent, CreatedTask task, String name, boolean isLast) {
        return fx.steps
                .create(
                        agent.owner(),
                        agent.did(),
                        task.task().taskId(),
                        List.of(new NewStep(null, name, null, null, isLast, null, null, null, null, null, null)))
                .steps()
                .getFirst()
                .stepId();
    }

    /** Puts the task's first step in a state no request makes, with an assignment of SQL. */
    private static void setStep(CreatedTask task, String assignments) {
        fx.database.transaction(tx -> tx.update(
                "update steps set " + assignments + " where step_id = ?",
                task.steps().getFirst().stepId()));
    }

    /** Puts the task in a state no request makes, with an assignment of SQL. */
    private static void setTask(CreatedTask task, String assignments) {
        fx.database.transaction(tx -> tx.update(
                "update tasks set " + assignments + " where task_id = ?",
                task.task().taskId()));
    }

    /** The completion of the task's first step as its last, as {@code owner} asks for it of agent {@code did}. */
    private static StepChange completionBy(String owner, String did, CreatedTask task) {
        return change(owner, did, task, task.steps().getFirst().stepId(), status(Status.Completed, "x", true));
    }

    private static StepUpdate attempt(int retries) {
        return new StepUpdate(
                Status.In_Progress, null, null, null, null, null, null, null, null, null, null, null, null, retries);
    }

    /** Applies the change alone, in a transaction of its own, as the hub does for a lone request. */
    private static StepRecord update(StepChange change) {
        return fx.steps.update(change.owner(), change.did(), change.taskId(), change.stepId(), change.update());
    }

    private static StepChange change(Agent agent, CreatedTask task, StepUpdate update) {
        return change(agent.owner(), agent.did(), task, task.steps().getFirst().stepId(), update);
    }

    /** An update as {@code owner} asks for it, of a step (not necessarily existing) of the task. */
    private static StepChange change(String owner, String did, CreatedTask task, String stepId, StepUpdate update) {
        return new StepChange(owner, did, task.task().taskId(), stepId, update, Fixtures.T0);
    }

    private static StepUpdate status(Status status, String output, Boolean isLast) {
        return new StepUpdate(status, output, null, null, 1L, isLast, null, null, null, null, null, null, null, null);
    }

    /** An answer without its ids: every column of the step, or the refusal's kind. */
    private static String answer(Object answer) {
        return switch (answer) {
            case StepRecord step ->
                String.join(
                        " | ",
                        step.name(),
                        step.stepStatus().wire(),
                        step.predecessor() == null ? "first" : "after another",
                        String.valueOf(step.order()),
                        String.valueOf(step.isLast()),
                        String.valueOf(step.retries()),
                        step.inputQuery(),
                        step.inputParams(),
                        step.inputAdditional(),
                        step.inputArtifacts(),
                        step.output(),
                        step.outputAdditional(),
                        step.outputArtifacts(),
                        String.valueOf(step.cost()),
                        String.valueOf(step.createdAt()),
                        String.valueOf(step.updatedAt()));
            case ApiError refused -> "ApiError " + refused.kind();
            default -> throw new IllegalStateException("neither a step nor a refusal: " + answer);
        };
    }

    /** A task's state, its steps' and its events, without ids. */
    private static List<String> outcome(String taskId) {
        TaskRecord task = fx.database
                .lookup(tx -> tx.one(TaskSql.TASK_FIND, TaskSql.TASK, taskId))
                .orElseThrow();
        List<String> outcome = new ArrayList<>(List.of(
                task.taskStatus().wire(),
                String.valueOf(task.output()),
                String.valueOf(task.outputAdditional()),
                String.valueOf(task.outputArtifacts()),
                String.valueOf(task.cost()),
                String.valueOf(task.updatedAt())));
        fx.database
                .lookup(tx -> tx.list(StepSql.STEP_LIST_BY_TASK, StepSql.STEP, taskId, null, null))
                .forEach(step -> outcome.add(answer(step)));
        outcome.addAll(fx.events(taskId));
        return outcome;
    }
}
