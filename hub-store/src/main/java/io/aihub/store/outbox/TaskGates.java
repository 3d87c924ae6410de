package io.aihub.store.outbox;

import io.aihub.store.jdbc.Pipeline;
import io.aihub.store.jdbc.RowMapper;
import io.aihub.store.jdbc.Tx;
import java.sql.SQLException;
import java.util.Collection;

/**
 * The gates that keep each task's events in commit order (the argument is in {@code package-info}):
 * every transaction that writes about existing tasks enters their gates first, before any write.
 */
public final class TaskGates {
    private TaskGates() {}

    /** Waits for and holds the gates of these tasks until the transaction ends. */
    public static void enter(Tx tx, Collection<String> taskIds) throws SQLException {
        tx.one(EventSql.TASK_GATES_ENTER, RowMapper.COUNT, (Object) keys(taskIds));
    }

    /** The same as the first statement of {@code pipeline}, which must have none yet. */
    public static void enter(Pipeline pipeline, Collection<String> taskIds) {
        if (!pipeline.isEmpty()) {
            throw new IllegalStateException("the task gates come before any other statement");
        }
        pipeline.add(EventSql.TASK_GATES_ENTER, RowMapper.COUNT, (Object) keys(taskIds));
    }

    private static Integer[] keys(Collection<String> taskIds) {
        return taskIds.stream().map(String::hashCode).distinct().sorted().toArray(Integer[]::new);
    }
}
