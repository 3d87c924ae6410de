package io.aihub.store.work;

import io.aihub.protocol.TaskLogRecord;
import io.aihub.store.RowMapper;
import io.aihub.store.Tx;

/** SQL of the {@code task_logs} table and its row mapper. */
final class LogSql {
    private LogSql() {
    }

    static final String LOG_INSERT = """
            insert into task_logs (tl_id, task_id, step_id, task_status, level, message, created_at)
            values (?, ?, ?, ?, ?, ?, ?)
            returning tl_id, task_id, step_id, task_status, level, message, created_at
            """;

    static final String LOG_LIST_BY_TASK = """
            select tl_id, task_id, step_id, task_status, level, message, created_at
            from task_logs where task_id = ? order by created_at, tl_id
            """;

    static final RowMapper<TaskLogRecord> LOG = row -> new TaskLogRecord(
            row.getString("tl_id"),
            row.getString("task_id"),
            row.getString("step_id"),
            Tx.status(row, "task_status"),
            row.getString("level"),
            row.getString("message"),
            Tx.instant(row, "created_at"));
}
