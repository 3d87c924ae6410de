package io.aihub.store.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.aihub.protocol.NewStep;
import io.aihub.protocol.SocketPayloads.NewTaskLog;
import io.aihub.protocol.Status;
import io.aihub.protocol.StepRecord;
import io.aihub.protocol.StepUpdate;
import io.aihub.store.agent.Agent;
import io.aihub.store.task.Fixtures;
import io.aihub.store.task.WithFixtures;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;

/**
 * Each task's events reach the outbox's readers in the order they were written, while step updates of
 * several tasks share transactions ({@link io.aihub.store.batch.GroupCommit}) and logs of the same tasks are
 * written meanwhile. A task's events are appended one writer at a time (its gate, {@link TaskGates}),
 * so their ids are that order; a reader, which follows transaction ids, must see them ascending.
 */
class EventOrderTest extends WithFixtures {
    private static final int TASKS = 6;
    private static final int CHAIN = 25;
    private static final int LOGS = 40;

    @Test
    void eachTasksEvents_areReadInTheOrderTheyWereWritten_underBatchedUpdatesAndLogs() throws Exception {
        String owner = fx.account();
        String user = fx.account();
        Agent agent = fx.agent(owner);
        List<String> taskIds = new ArrayList<>();
        Map<String, List<String>> chains = new LinkedHashMap<>();
        for (int t = 0; t < TASKS; t++) {
            var created = fx.task(agent, user, "task " + t);
            String taskId = created.task().taskId();
            List<NewStep> steps = new ArrayList<>();
            for (int i = 1; i <= CHAIN; i++) {
                steps.add(new NewStep(null, "s" + i, null, null, i == CHAIN, null, null, null, null, null, null));
            }
            List<String> chain =
                    new ArrayList<>(List.of(created.steps().getFirst().stepId()));
            fx.steps.create(owner, agent.did(), taskId, steps).steps().stream()
                    .map(StepRecord::stepId)
                    .forEach(chain::add);
            taskIds.add(taskId);
            chains.put(taskId, chain);
        }
        EventLog log = new EventLog(fx.database);
        EventCursor start = log.now();

        List<Callable<Object>> writers = new ArrayList<>();
        for (String taskId : taskIds) {
            writers.add(
                    () -> { // completes the chain step by step: each completion makes the next one Pending
                        for (String stepId : chains.get(taskId)) {
                            fx.steps.update(owner, agent.did(), taskId, stepId, completed());
                        }
                        return null;
                    });
            writers.add(() -> {
                for (int i = 0; i < LOGS; i++) {
                    fx.tasks.appendLog(owner, new NewTaskLog(taskId, "log " + i, "info", null, null));
                }
                return null;
            });
        }
        assertThat(Fixtures.atOnce(writers)).as("refusals").containsOnlyNulls();

        List<StoredEvent> delivered = new ArrayList<>();
        EventCursor cursor = start;
        EventLog.Batch batch;
        do {
            batch = log.after(cursor, 200);
            delivered.addAll(batch.events());
            if (!batch.events().isEmpty()) {
                cursor = EventCursor.after(batch.events().getLast());
            }
        } while (batch.full() || batch.waiting());

        for (String taskId : taskIds) {
            List<Long> ids = delivered.stream()
                    .filter(event -> event.taskId().equals(taskId))
                    .map(StoredEvent::eventId)
                    .toList();
            // CHAIN step-updated (s1..sN), task-updated In_Progress (init done) and Completed (sN done), a
            // step-changed for each completion in between (s1..sN-1), and the logs
            assertThat(ids).hasSize(CHAIN + 2 + (CHAIN - 1) + LOGS);
            assertThat(ids).as("event ids of task %s as delivered", taskId).isSorted();
        }
        long transactions = fx.database
                .lookup(tx -> tx.one("""
                select count(distinct tx_id) from events where event_name = 'step-updated' and task_id = any(?)
                """, io.aihub.store.jdbc.RowMapper.COUNT, (Object) taskIds.toArray(String[]::new)))
                .orElseThrow();
        assertThat(transactions)
                .as("step updates written in shared transactions")
                .isLessThan((long) TASKS * CHAIN);
    }

    private static StepUpdate completed() {
        return new StepUpdate(
                Status.Completed, "done", null, null, 1L, null, null, null, null, null, null, null, null, null);
    }
}
