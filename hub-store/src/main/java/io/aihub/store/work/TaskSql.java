package io.aihub.store.work;

import io.aihub.protocol.TaskRecord;
import io.aihub.store.RowMapper;
import io.aihub.store.Tx;

/** SQL of the {@code tasks} table and its row mapper. Every status change guards on the current status. */
final class TaskSql {
    private TaskSql() {
    }

    private static final String COLUMNS = """
            task_id, did, owner, user_address, task_status, name, input_query, input_params, input_additional,
            input_artifacts, output, output_additional, output_artifacts, cost, created_at, updated_at
            """;

    /**
     * Inserts Pending tasks, one per element of the parallel arrays, each for an existing agent whose
     * owner it takes; an element whose DID names no agent inserts nothing.
     */
    static final String TASK_INSERT_MANY = """
            insert into tasks (created_at, updated_at, task_id, did, owner, user_address, task_status, name,
                               input_query, input_params, input_additional, input_artifacts)
            select ?, ?, u.task_id, a.did, a.owner, u.user_address, 'Pending', u.name, u.input_query,
                   u.input_params::jsonb, u.input_additional::jsonb, u.input_artifacts::jsonb
            from unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[])
                 with ordinality as u(task_id, did, user_address, name, input_query, input_params, input_additional,
                                      input_artifacts, position)
                 join agents a on a.did = u.did
            order by u.position
            returning\s""" + COLUMNS;

    /*
     * Tasks are looked up by id alone, and who may see or change them is checked in Java (TaskAccess).
     * With the caller's columns in the WHERE clause too, a plan cached while the table was nearly empty
     * (a fresh database, no ANALYZE yet) could look the task up through the agent's or owner's index,
     * reading every task of that agent or owner, and keep doing so as the table grew.
     */

    static final String TASK_FIND = "select " + COLUMNS + """
            from tasks where task_id = ?
            """;

    /** Every write to a task's steps starts here: the row lock makes them apply one at a time. */
    static final String TASK_LOCK = "select " + COLUMNS + """
            from tasks where task_id = ? for update
            """;

    /** Who created each of these tasks and who owns its agent. */
    static final String TASK_AUDIENCE_AMONG = """
            select task_id, did, owner, user_address from tasks where task_id = any(?)
            """;

    private static final String STEP_COST_SUM = "(select coalesce(sum(cost), 0) from steps where steps.task_id = tasks.task_id)";

    static final String TASK_COMPLETE = """
            update tasks set task_status = 'Completed', output = coalesce(?, ''),
                   output_additional = coalesce(?::jsonb, '{}'), output_artifacts = coalesce(?::jsonb, '[]'),
                   cost =\s""" + STEP_COST_SUM + """
            , updated_at = ?
            where task_id = ? and task_status not in ('Completed', 'Failed')
            returning\s""" + COLUMNS;

    static final String TASK_FAIL = """
            update tasks set task_status = 'Failed', output = coalesce(?, ''),
                   cost =\s""" + STEP_COST_SUM + """
            , updated_at = ?
            where task_id = ? and task_status not in ('Completed', 'Failed')
            returning\s""" + COLUMNS;

    /** Recomputes the cost and, when asked, moves a Pending task to In_Progress. */
    static final String TASK_PROGRESS = """
            update tasks set task_status = case when task_status = 'Pending' and ? then 'In_Progress' else task_status end,
                   cost =\s""" + STEP_COST_SUM + """
            , updated_at = ?
            where task_id = ? and task_status not in ('Completed', 'Failed')
            returning\s""" + COLUMNS;

    static final String TASK_LIST_BY_OWNER = "select " + COLUMNS + """
            from tasks where owner = ? and (?::text is null or task_status = ?)
            order by created_at desc, task_id limit ?
            """;

    static final String TASK_COUNT_BY_OWNER = """
            select count(*) from tasks where owner = ? and (?::text is null or task_status = ?)
            """;

    private static final String SEARCH_FILTER = """
            from tasks
            where owner = ?
              and (?::text is null or did = ?)
              and (?::text is null or task_id = ?)
              and (?::text is null or name = ?)
              and (?::text is null or task_status = ?)
            """;

    static final String TASK_SEARCH = "select " + COLUMNS + SEARCH_FILTER + """
            order by created_at desc, task_id limit ? offset ?
            """;

    static final String TASK_SEARCH_COUNT = "select count(*) " + SEARCH_FILTER;

    static final RowMapper<TaskRecord> TASK = row -> new TaskRecord(
            row.getString("task_id"),
            row.getString("did"),
            row.getString("user_address"),
            row.getString("owner"),
            Tx.status(row, "task_status"),
            row.getString("name"),
            row.getString("input_query"),
            row.getString("input_params"),
            row.getString("input_additional"),
            row.getString("input_artifacts"),
            row.getString("output"),
            row.getString("output_additional"),
            row.getString("output_artifacts"),
            row.getLong("cost"),
            Tx.instant(row, "created_at"),
            Tx.instant(row, "updated_at"));

    static final RowMapper<Long> COUNT = row -> row.getLong(1);

    static final RowMapper<TaskAccess.Audience> AUDIENCE = row -> new TaskAccess.Audience(
            row.getString("task_id"), row.getString("did"), row.getString("owner"), row.getString("user_address"));
}
