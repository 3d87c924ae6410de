package io.aihub.store.outbox;

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
        Integer[] keys =
                taskIds.stream().map(String::hashCode).distinct().sorted().toArray(Integer[]::new);
        tx.one(EventSql.TASK_GATES_ENTER, RowMapper.COUNT, (Object) keys);
    }
}
