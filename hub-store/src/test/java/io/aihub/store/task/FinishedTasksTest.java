package io.aihub.store.task;

import static org.assertj.core.api.Assertions.assertThat;

import io.aihub.protocol.Envelopes.CreatedTask;
import io.aihub.protocol.NewTask;
import io.aihub.protocol.SocketPayloads.NewTaskLog;
import io.aihub.store.agent.Agent;
import io.aihub.store.jdbc.RowMapper;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Retention: ended tasks go with their steps and logs once old enough, open ones never; old keys are forgotten. */
class FinishedTasksTest extends WithFixtures {
    private static final Instant TWO_DAYS_LATER = Fixtures.T0.plus(Duration.ofDays(2));

    private final FinishedTasks finished = new FinishedTasks(fx.database, InstantSource.fixed(TWO_DAYS_LATER));

    @Test
    void anEndedTaskOlderThanTheCutoff_goesWithItsStepsAndLogs_anOpenOneStays() {
        Agent agent = fx.agent(fx.account());
        String user = fx.account();
        CreatedTask ended = fx.task(agent, user, "ended");
        CreatedTask open = fx.task(agent, user, "open");
        String endedId = ended.task().taskId();
        fx.tasks.appendLog(agent.owner(), new NewTaskLog(endedId, "working on it", "info", null, null));
        fx.tasks.cancel(user, agent.did(), endedId);

        int kept = finished.deleteEndedBefore(Fixtures.T0.minusSeconds(1));
        int deleted = finished.deleteEndedBefore(TWO_DAYS_LATER.minus(Duration.ofDays(1)));

        assertThat(kept).isZero();
        assertThat(deleted).isEqualTo(1);
        assertThat(rows("tasks", endedId)).isZero();
        assertThat(rows("steps", endedId)).isZero();
        assertThat(rows("task_logs", endedId)).isZero();
        assertThat(rows("tasks", open.task().taskId())).isEqualTo(1);
        assertThat(rows("steps", open.task().taskId())).as("its init step").isEqualTo(1);
    }

    @Test
    void whileAnotherNodeSweeps_thisOneDeletesNothing() {
        Agent agent = fx.agent(fx.account());
        String user = fx.account();
        String taskId = fx.task(agent, user, "ended").task().taskId();
        fx.tasks.cancel(user, agent.did(), taskId);

        int whileHeld = fx.database.transaction(tx -> {
            tx.one(TaskSql.TASK_RETENTION_TAKE_TURN, row -> row.getBoolean(1));
            return finished.deleteEndedBefore(TWO_DAYS_LATER);
        });

        assertThat(whileHeld).isZero();
        assertThat(rows("tasks", taskId)).isEqualTo(1);
        assertThat(finished.deleteEndedBefore(TWO_DAYS_LATER)).isGreaterThanOrEqualTo(1);
        assertThat(rows("tasks", taskId)).isZero();
    }

    @Test
    void idempotencyKeysOlderThanADay_areForgotten() {
        Agent agent = fx.agent(fx.account());
        String user = fx.account();
        String key = UUID.randomUUID().toString();
        fx.tasks.create(
                agent.did(), user, new NewTask("q", null, null, null, null), new IdempotencyKey(user, key, "h"));

        int forgotten = finished.forgetExpiredKeys();

        assertThat(forgotten).isGreaterThanOrEqualTo(1);
        long left = fx.database.lookup(tx -> tx.one(
                        "select count(*) from idempotency_keys where caller = ? and idempotency_key = ?",
                        RowMapper.COUNT,
                        user,
                        key)
                .orElseThrow());
        assertThat(left).isZero();
    }

    private static long rows(String table, String taskId) {
        return fx.database.lookup(
                tx -> tx.one("select count(*) from " + table + " where task_id = ?", RowMapper.COUNT, taskId)
                        .orElseThrow());
    }
}
