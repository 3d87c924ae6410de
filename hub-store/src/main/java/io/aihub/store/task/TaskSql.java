package io.aihub.store.task;

import io.aihub.protocol.Status;
import io.aihub.protocol.TaskRecord;
import io.aihub.store.jdbc.RowMapper;
import io.aihub.store.jdbc.Tx;

/** SQL of the {@code tasks} table and its row mapper. Every status change guards on the current status. */
final class TaskSql {
    private TaskSql() {}

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
                 cross join lateral (select did, owner from agents where agents.did = u.did limit 1) as a
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

    /** Every write to a task's steps starts here (after its gate): the row lock makes them apply one at a time. */
    static final String TASK_LOCK = "select " + COLUMNS + """
            from tasks where task_id = ? for update
            """;

    /**
     * {@link #TASK_LOCK} for a step update, which also needs the status of the step it updates (null when
     * the task has no such step): one round trip instead of two. The step is read on the statement's
     * snapshot, taken before the row lock; that is its current status only because the caller holds the
     * task's gate ({@link TaskGates}), so the lock never waits for another writer of the task.
     */
    static final String TASK_LOCK_WITH_STEP_STATUS = "select " + COLUMNS + """
            , (select step_status from steps where steps.step_id = ? and steps.task_id = tasks.task_id) as step_status,
              (select retries from steps where steps.step_id = ? and steps.task_id = tasks.task_id) as step_retries
            from tasks where task_id = ? for update
            """;

    /*
     * The statements below that take many rows at once (parallel arrays) reach each row through a
     * LATERAL subquery that cannot be flattened into a join (LIMIT 1, or OFFSET 0): each array element
     * then finds its row by index, the only plan there is. As a plain join, a plan PostgreSQL cached
     * while the tables were nearly empty (a fresh database, no ANALYZE yet) hashed the arrays and read
     * the whole table, and kept doing so as it grew. GenericPlansTest explains their cached plans on
     * empty tables. Rows reached that way are updated by their ctid.
     */

    /**
     * {@link #TASK_LOCK_WITH_STEP_STATUS} for many tasks at once, each with one of its steps, from
     * parallel arrays (task ids, step ids); a task that does not exist is left out.
     */
    static final String TASK_LOCK_MANY_WITH_STEP_STATUS = """
            select t.*, s.step_status, s.retries as step_retries
            from unnest(?::text[], ?::text[]) as u(u_task, u_step)
            cross join lateral (select\s""" + COLUMNS + """
                                from tasks where tasks.task_id = u.u_task limit 1 for update) as t
            left join lateral (select step_status, retries, task_id as of_task
                               from steps where steps.step_id = u.u_step limit 1) as s on s.of_task = t.task_id
            """;

    /**
     * Tasks, each with its latest logs oldest first as parallel arrays ({@link LogSql#LOGS_OF_TASK}: its
     * two bounds come first, then the task ids).
     */
    static final String TASK_WITH_LOGS = "select " + COLUMNS + ", logs.*\n" + """
            from tasks left join lateral (\s""" + LogSql.LOGS_OF_TASK + """
            ) as logs on true
            where tasks.task_id = any(?)
            """;

    /**
     * Finds a task for a new log line and counts the line (before access is checked: a refused caller's
     * transaction rolls back). The caller holds the task's gate.
     */
    static final String TASK_COUNT_LOG = "update tasks set log_count = log_count + 1, log_bytes = log_bytes + ?"
            + " where task_id = ? returning " + COLUMNS + ", log_count, log_bytes";

    /** Who created each of these tasks and who owns its agent. */
    static final String TASK_AUDIENCE_AMONG = """
            select task_id, did, owner, user_address from tasks where task_id = any(?)
            """;

    private static final String STEP_COST_SUM =
            "(select coalesce(sum(cost), 0) from steps where steps.task_id = tasks.task_id)";

    /**
     * Closes the steps of a task that has just ended (the {@code ended} row, if any) that are still
     * open (Pending, Not_Ready, In_Progress) as Failed with the reason given: a finished task leaves
     * nothing for a worker to pick up. The last part of {@link #TASK_COMPLETE} and {@link #TASK_FAIL};
     * parameters: the reason, the time.
     */
    private static final String CLOSING_ITS_OPEN_STEPS = """
            , closed as (
                update steps set step_status = 'Failed', output = ?, updated_at = ?
                where task_id in (select task_id from ended)
                  and step_status in ('Pending', 'Not_Ready', 'In_Progress'))
            select\s""" + COLUMNS + " from ended";

    /**
     * Completes a task, if it is in a status the transition table allows that from, and then closes its
     * open steps. Parameters: the output, its additional object and artifacts, the time, the task, the
     * statuses allowed, then those of {@link #CLOSING_ITS_OPEN_STEPS}.
     */
    static final String TASK_COMPLETE = """
            with ended as (
                update tasks set task_status = 'Completed', output = coalesce(?, ''),
                       output_additional = coalesce(?::jsonb, '{}'), output_artifacts = coalesce(?::jsonb, '[]'),
                       cost =\s""" + STEP_COST_SUM + """
                , updated_at = ?
                where task_id = ? and task_status = any(?::text[])
                returning *)
            """ + CLOSING_ITS_OPEN_STEPS;

    /**
     * {@link #TASK_COMPLETE} for the tasks of many steps at once, run right after a write of steps in
     * the same transaction: each task whose step (from the array of step ids) this transaction has
     * written, and which is now Completed and its last, is completed with that step's output, time and
     * the cost of all its steps. Then the statuses allowed and the reason their open steps are closed
     * with. A task in none of those statuses is left out. The array may name steps the write refused
     * (of another task, or Completed and last already): the row's {@code xmin}, the id of the
     * transaction that wrote it, leaves those out. The only other steps this transaction has written by
     * then are the init steps of the tasks it created, Pending and not the last.
     */
    static final String TASK_COMPLETE_BY_LAST_STEPS = """
            with ended as (
                update tasks set task_status = 'Completed', output = coalesce(done.output, ''),
                       output_additional = coalesce(done.output_additional, '{}'),
                       output_artifacts = coalesce(done.output_artifacts, '[]'),
                       cost =\s""" + STEP_COST_SUM + """
                , updated_at = done.updated_at
                from unnest(?::text[]) as u(u_step)
                cross join lateral (select task_id, output, output_additional, output_artifacts, updated_at
                                    from steps
                                    where steps.step_id = u.u_step and step_status = 'Completed' and is_last
                                      and steps.xmin = pg_current_xact_id()::xid
                                    limit 1) as done
                cross join lateral (select ctid as task_row from tasks where tasks.task_id = done.task_id limit 1) as t
                where tasks.ctid = t.task_row and task_status = any(?::text[])
                returning tasks.*),
            closed as (
                update steps set step_status = 'Failed', output = ?, updated_at = still_open.updated_at
                from (select s.step_row, ended.updated_at
                      from ended
                      cross join lateral (select ctid as step_row from steps
                                          where steps.task_id = ended.task_id
                                            and steps.step_status in ('Pending', 'Not_Ready', 'In_Progress')
                                          offset 0) as s) as still_open
                where steps.ctid = still_open.step_row)
            select\s""" + COLUMNS + " from ended";

    /**
     * Fails a task, if it is in a status the transition table allows that from, and then closes its open
     * steps. Parameters: the output, the time, the task, the statuses allowed, then those of {@link
     * #CLOSING_ITS_OPEN_STEPS}.
     */
    static final String TASK_FAIL = """
            with ended as (
                update tasks set task_status = 'Failed', output = coalesce(?, ''),
                       cost =\s""" + STEP_COST_SUM + """
                , updated_at = ?
                where task_id = ? and task_status = any(?::text[])
                returning *)
            """ + CLOSING_ITS_OPEN_STEPS;

    /**
     * Recomputes the cost of a task that has not ended and, when asked, starts it (In_Progress, from the
     * statuses the transition table allows). Parameters: whether to start it, those statuses, the time,
     * the task.
     */
    static final String TASK_PROGRESS = """
            update tasks set task_status = case when ? and task_status = any(?::text[]) then 'In_Progress' else task_status end,
                   cost =\s""" + STEP_COST_SUM + """
            , updated_at = ?
            where task_id = ? and task_status not in ('Completed', 'Failed')
            returning\s""" + COLUMNS;

    /**
     * Whether this transaction may delete old tasks: one node at a time (an advisory lock in a namespace
     * of the hub's own, 'rtnt' in ASCII); the others skip their turn.
     */
    static final String TASK_RETENTION_TAKE_TURN = "select pg_try_advisory_xact_lock(1920233076, 1)";

    /**
     * Deletes up to a limit of the tasks that ended before the cutoff, with their steps and logs, in one
     * statement (the foreign keys are checked at its end). A task locked by a writer at that moment (a
     * late log line) is skipped until the next sweep. Their events went a day after they were announced.
     */
    static final String TASK_DELETE_FINISHED_BEFORE = """
            with doomed as (
                select task_id from tasks
                where task_status in ('Completed', 'Failed') and updated_at < ?
                limit ?
                for update skip locked),
            steps_gone as (delete from steps where task_id in (select task_id from doomed)),
            logs_gone as (delete from task_logs where task_id in (select task_id from doomed))
            delete from tasks where task_id in (select task_id from doomed)
            """;

    static final String TASK_LIST_BY_OWNER = "select " + COLUMNS + """
            from tasks where owner = ? and (?::text is null or task_status = ?)
            order by created_at desc, task_id limit ?
            """;

    static final String TASK_COUNT_BY_OWNER = """
            select count(*) from tasks where owner = ? and (?::text is null or task_status = ?)
            """;

    static final String TASK_PAGE_BY_USER = "select " + COLUMNS + """
            from tasks where user_address = ? and (?::text is null or task_status = ?)
            order by created_at desc, task_id limit ? offset ?
            """;

    static final String TASK_COUNT_BY_USER = """
            select count(*) from tasks where user_address = ? and (?::text is null or task_status = ?)
            """;

    /** An agent's tasks counted per status (tasks_by_did). */
    static final String TASK_COUNTS_BY_STATUS = """
            select task_status, count(*) as tasks from tasks where did = ? group by task_status
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

    static final RowMapper<LockedForStep> LOCKED_FOR_STEP =
            row -> new LockedForStep(TASK.map(row), Tx.status(row, "step_status"), row.getInt("step_retries"));

    /** A task locked for a step update, and that step's status (null: the task has no such step) and attempt. */
    record LockedForStep(TaskRecord task, Status stepStatus, int stepRetries) {}

    /** A task that took one more log line, and how many lines and bytes of them it holds now. */
    record Logged(TaskRecord task, int logCount, long logBytes) {}

    static final RowMapper<Logged> LOGGED =
            row -> new Logged(TASK.map(row), row.getInt("log_count"), row.getLong("log_bytes"));

    static final RowMapper<TaskHistory> TASK_AND_LOGS = row -> new TaskHistory(LogSql.LOGS.map(row), TASK.map(row));

    static final RowMapper<TaskAccess.Audience> AUDIENCE = row -> new TaskAccess.Audience(
            row.getString("task_id"), row.getString("did"), row.getString("owner"), row.getString("user_address"));
}
