package io.aihub.store.task;

import io.aihub.store.jdbc.Database;
import java.time.Instant;
import java.time.InstantSource;

/**
 * Forgets what has served its time: tasks that ended before the retention period (with their steps and
 * logs), and idempotency keys older than a day. In chunks, each a short transaction, and, for tasks, on
 * one node at a time.
 */
public final class FinishedTasks {
    private static final int CHUNK = 1_000;

    private final Database database;
    private final InstantSource clock;

    public FinishedTasks(Database database, InstantSource clock) {
        this.database = database;
        this.clock = clock;
    }

    /** Deletes the tasks that ended before {@code cutoff}; 0 when another node is at it. */
    public int deleteEndedBefore(Instant cutoff) {
        int deleted = 0;
        int chunk;
        do {
            chunk = database.transaction(tx -> tx.one(TaskSql.TASK_RETENTION_TAKE_TURN, row -> row.getBoolean(1))
                            .orElse(false)
                    ? tx.update(TaskSql.TASK_DELETE_FINISHED_BEFORE, cutoff, CHUNK)
                    : 0);
            deleted += chunk;
        } while (chunk == CHUNK);
        return deleted;
    }

    /** Forgets idempotency keys older than a day. */
    public int forgetExpiredKeys() {
        return IdempotencyKeys.deleteExpired(database, clock.instant());
    }
}
