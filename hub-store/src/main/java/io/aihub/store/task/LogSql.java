package io.aihub.store.task;

import io.aihub.protocol.Status;
import io.aihub.protocol.TaskLogRecord;
import io.aihub.store.jdbc.RowMapper;
import io.aihub.store.jdbc.Tx;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** SQL of the {@code task_logs} table and its row mapper. */
final class LogSql {
    private LogSql() {}

    static final String LOG_INSERT = """
            insert into task_logs (tl_id, task_id, step_id, task_status, level, message, created_at)
            values (?, ?, ?, ?, ?, ?, ?)
            returning tl_id, task_id, step_id, task_status, level, message, created_at
            """;

    static final String LOG_LIST_BY_TASK = """
            select tl_id, task_id, step_id, task_status, level, message, created_at
            from task_logs where task_id = ? order by created_at, tl_id
            """;

    /**
     * A task's latest logs, oldest first, as one row of parallel arrays (null arrays when it has none),
     * for {@link TaskSql#TASK_WITH_LOGS}: correlated to the outer query's {@code tasks} row. Parameters:
     * the most lines, then the most bytes of messages (a line is taken while the newer ones it follows
     * hold fewer bytes than that, so the latest line always is).
     */
    static final String LOGS_OF_TASK = """
            select array_agg(tl_id order by created_at, tl_id) as log_ids,
                   array_agg(step_id order by created_at, tl_id) as log_step_ids,
                   array_agg(task_status order by created_at, tl_id) as log_task_statuses,
                   array_agg(level order by created_at, tl_id) as log_levels,
                   array_agg(message order by created_at, tl_id) as log_messages,
                   array_agg((extract(epoch from created_at) * 1000)::bigint order by created_at, tl_id) as log_millis
            from (select tl_id, step_id, task_status, level, message, created_at,
                         sum(octet_length(message)) over (order by created_at desc, tl_id desc)
                             - octet_length(message) as newer_bytes
                  from task_logs where task_logs.task_id = tasks.task_id
                  order by created_at desc, tl_id desc
                  limit ?) as recent
            where newer_bytes < ?
            """;

    /** The logs of a {@link TaskSql#TASK_WITH_LOGS} row. */
    static final RowMapper<List<TaskLogRecord>> LOGS = row -> {
        String taskId = row.getString("task_id");
        String[] ids = texts(row, "log_ids");
        String[] stepIds = texts(row, "log_step_ids");
        String[] statuses = texts(row, "log_task_statuses");
        String[] levels = texts(row, "log_levels");
        String[] messages = texts(row, "log_messages");
        Array millisArray = row.getArray("log_millis");
        Long[] millis = millisArray == null ? new Long[0] : (Long[]) millisArray.getArray();
        List<TaskLogRecord> logs = new ArrayList<>(ids.length);
        for (int i = 0; i < ids.length; i++) {
            logs.add(new TaskLogRecord(
                    ids[i],
                    taskId,
                    stepIds[i],
                    statuses[i] == null ? null : Status.valueOf(statuses[i]),
                    levels[i],
                    messages[i],
                    Instant.ofEpochMilli(millis[i])));
        }
        return logs;
    };

    private static String[] texts(ResultSet row, String column) throws SQLException {
        Array array = row.getArray(column);
        return array == null ? new String[0] : (String[]) array.getArray();
    }

    static final RowMapper<TaskLogRecord> LOG = row -> new TaskLogRecord(
            row.getString("tl_id"),
            row.getString("task_id"),
            row.getString("step_id"),
            Tx.status(row, "task_status"),
            row.getString("level"),
            row.getString("message"),
            Tx.instant(row, "created_at"));
}
