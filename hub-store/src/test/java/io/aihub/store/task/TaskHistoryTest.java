package io.aihub.store.task;

import static org.assertj.core.api.Assertions.assertThat;

import io.aihub.protocol.NewTask;
import io.aihub.protocol.SocketPayloads.NewTaskLog;
import io.aihub.protocol.Status;
import io.aihub.protocol.TaskLogRecord;
import io.aihub.store.agent.Agent;
import io.aihub.store.batch.GroupCommit;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What a socket joining task rooms is told: who may join ({@code visible}) and each task's history. */
class TaskHistoryTest extends WithFixtures {
    private final AtomicLong millis = new AtomicLong(Fixtures.T0.toEpochMilli());
    /** A clock that moves a millisecond per reading, so logs have an order of their own. */
    private final InstantSource ticking = () -> Instant.ofEpochMilli(millis.incrementAndGet());

    private LifecycleWrites writes;
    private LifecycleWrites otherNodesWrites;
    private TaskStore store;
    private TaskStore otherNode;

    @BeforeEach
    void openStores() {
        writes = new LifecycleWrites(fx.database, ticking);
        otherNodesWrites = new LifecycleWrites(fx.database, ticking);
        store = new TaskStore(fx.database, ticking, TaskLimits.DEFAULTS, writes);
        otherNode = new TaskStore(fx.database, ticking, TaskLimits.DEFAULTS, otherNodesWrites);
    }

    @AfterEach
    void closeStores() {
        store.close();
        otherNode.close();
        writes.close();
        otherNodesWrites.close();
    }

    @Test
    void history_givesEachTaskInTheOrderAsked_withItsLogsOldestFirst_andSkipsUnknownTasks() {
        String owner = fx.account();
        String user = fx.account();
        Agent agent = fx.agent(owner);
        String logged = store.create(agent.did(), user, new NewTask("logged", "logged task", null, null, null))
                .task()
                .taskId();
        String quiet = store.create(agent.did(), user, new NewTask("quiet", null, null, null, null))
                .task()
                .taskId();
        for (String message : List.of("first", "second", "third")) {
            store.appendLog(owner, new NewTaskLog(logged, message, "info", null, null));
        }
        store.appendLog(owner, new NewTaskLog(logged, "done", "info", Status.Completed, null));

        List<TaskHistory> history = history(List.of(quiet, "task-unknown", logged));

        assertThat(history).extracting(h -> h.task().taskId()).containsExactly(quiet, logged);
        assertThat(history.get(0).logs()).isEmpty();
        assertThat(history.get(0).task().inputQuery()).isEqualTo("quiet");
        assertThat(history.get(1).task().name()).isEqualTo("logged task");
        assertThat(history.get(1).logs())
                .extracting(TaskLogRecord::message)
                .containsExactly("first", "second", "third", "done");
        assertThat(history.get(1).logs())
                .allSatisfy(log -> assertThat(log.taskId()).isEqualTo(logged));
        assertThat(history.get(1).logs().getLast().taskStatus()).isEqualTo(Status.Completed);
        assertThat(history(List.of())).isEmpty();
    }

    @Test
    void joinsReadingTogether_shareStatements_andEachGetsItsOwnTasks() throws Exception {
        String owner = fx.account();
        String user = fx.account();
        Agent agent = fx.agent(owner);
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 41; i++) {
            created.add(store.create(agent.did(), user, new NewTask("task " + i, null, null, null, null))
                    .task()
                    .taskId());
        }
        List<List<String>> asked = new ArrayList<>();
        for (int i = 0; i < 40; i++) { // overlapping: task i+1, then task i, and one nobody has
            asked.add(List.of(created.get(i + 1), created.get(i), "task-unknown-" + i));
        }
        long before = store.historyBatches().totals().batches();

        List<Object> answers = Fixtures.atOnce(
                asked.stream().<Callable<Object>>map(ids -> () -> history(ids)).toList());

        for (int i = 0; i < asked.size(); i++) {
            assertThat(answers.get(i))
                    .asInstanceOf(InstanceOfAssertFactories.list(TaskHistory.class))
                    .extracting(history -> history.task().taskId())
                    .containsExactly(created.get(i + 1), created.get(i));
        }
        assertThat(store.historyBatches().totals().batches() - before)
                .as("statements for 40 joins at once")
                .isLessThan(40);
    }

    @Test
    void visible_letsTheCreatorAndTheAgentsOwnerIn_whetherThisNodeCreatedTheTaskOrNot() {
        TwoTasks tasks = twoTasksOfOneAgent();
        String here = tasks.here();
        String elsewhere = tasks.elsewhere();
        List<String> asked = List.of(here, elsewhere, "task-unknown");

        assertThat(store.visible(tasks.user(), asked)).containsExactlyInAnyOrder(here, elsewhere);
        assertThat(store.visible(tasks.owner(), asked)).containsExactlyInAnyOrder(here, elsewhere);
        assertThat(store.visible(tasks.stranger(), asked)).isEmpty();
        // asked again: now both are remembered, and still only for them
        assertThat(store.visible(tasks.stranger(), asked)).isEmpty();
        assertThat(store.visible(tasks.user(), asked)).containsExactlyInAnyOrder(here, elsewhere);
    }

    @Test
    void visibleIfRemembered_answersOnlyWhenThisNodeRemembersEveryTask_andThenAsVisibleDoes() {
        TwoTasks tasks = twoTasksOfOneAgent();
        String user = tasks.user();
        String stranger = tasks.stranger();
        String here = tasks.here();
        String elsewhere = tasks.elsewhere();

        assertThat(store.visibleIfRemembered(user, List.of(here))).contains(Set.of(here));
        assertThat(store.visibleIfRemembered(tasks.owner(), List.of(here))).contains(Set.of(here));
        assertThat(store.visibleIfRemembered(stranger, List.of(here))).contains(Set.of());
        assertThat(store.visibleIfRemembered(user, List.of(here, elsewhere)))
                .as("created on another node: a lookup is needed")
                .isEmpty();
        assertThat(store.visibleIfRemembered(user, List.of(here, "task-unknown")))
                .isEmpty();

        assertThat(store.visible(stranger, List.of(here, elsewhere))).isEmpty(); // looked up, so remembered
        assertThat(store.visibleIfRemembered(user, List.of(here, elsewhere))).contains(Set.of(here, elsewhere));
        assertThat(store.visibleIfRemembered(stranger, List.of(here, elsewhere)))
                .contains(Set.of());
    }

    /** An agent's owner, a user who created a task of it on this node ({@code here}) and one on another, and a stranger. */
    private record TwoTasks(String owner, String user, String stranger, String here, String elsewhere) {}

    private TwoTasks twoTasksOfOneAgent() {
        String owner = fx.account();
        String user = fx.account();
        Agent agent = fx.agent(owner);
        String here = store.create(agent.did(), user, new NewTask("here", null, null, null, null))
                .task()
                .taskId();
        String elsewhere = otherNode
                .create(agent.did(), user, new NewTask("elsewhere", null, null, null, null))
                .task()
                .taskId();
        return new TwoTasks(owner, user, fx.account(), here, elsewhere);
    }

    private List<TaskHistory> history(List<String> taskIds) {
        return GroupCommit.await(store.history(taskIds, Runnable::run));
    }
}
