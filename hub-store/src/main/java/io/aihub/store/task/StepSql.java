package io.aihub.store.task;

import io.aihub.protocol.StepRecord;
import io.aihub.store.jdbc.RowMapper;
import io.aihub.store.jdbc.Tx;

/** SQL of the {@code steps} table and its row mapper. Terminal steps are never updated. */
final class StepSql {
    private StepSql() {}

    private static final String COLUMNS = """
            step_id, task_id, did, step_status, name, step_order, predecessor, is_last, retries, input_query,
            input_params, input_additional, input_artifacts, output, output_additional, output_artifacts, cost,
            created_at, updated_at
            """;

    /** Inserts many steps, of one task or several, in one statement, from parallel arrays (one element per step). */
    static final String STEP_INSERT_MANY = """
            insert into steps (created_at, updated_at, step_id, task_id, did, owner, step_status, name, step_order,
                               predecessor, is_last, input_query, input_params, input_additional, input_artifacts, cost)
            select ?, ?, u.step_id, u.task_id, u.did, u.owner, u.step_status, u.name, u.step_order, u.predecessor,
                   u.is_last, u.input_query, u.input_params::jsonb, u.input_additional::jsonb, u.input_artifacts::jsonb,
                   u.cost
            from unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::int4[], ?::text[],
                        ?::bool[], ?::text[], ?::text[], ?::text[], ?::text[], ?::int8[])
                 as u(step_id, task_id, did, owner, step_status, name, step_order, predecessor, is_last, input_query,
                      input_params, input_additional, input_artifacts, cost)
            returning\s""" + COLUMNS;

    /**
     * Inserts the first step of each of many tasks created just before in the same transaction, from
     * parallel arrays (task ids, step ids): Pending, first in order, not the last, named by the first
     * parameter, carrying its task's query and inputs, created when its task was. A task id that names no
     * task inserts nothing.
     */
    static final String STEP_INSERT_FIRST_MANY = """
            insert into steps (created_at, updated_at, step_id, task_id, did, owner, step_status, name, step_order,
                               is_last, input_query, input_params, input_additional, input_artifacts, cost)
            select t.created_at, t.updated_at, u.step_id, t.task_id, t.did, t.owner, 'Pending', ?, 1, false,
                   t.input_query, t.input_params, t.input_additional, t.input_artifacts, 0
            from unnest(?::text[], ?::text[]) as u(task_id, step_id)
            cross join lateral (select * from tasks where tasks.task_id = u.task_id limit 1) as t
            returning\s""" + COLUMNS;

    static final String STEP_FIND_IN_TASK = "select " + COLUMNS + """
            from steps where step_id = ? and task_id = ?
            """;

    static final String STEP_LIST_BY_TASK = "select " + COLUMNS + """
            from steps where task_id = ? and (?::text is null or step_status = ?)
            order by step_order, created_at, step_id
            """;

    /**
     * Applies a partial update; null parameters keep the stored value. Guarded on the statuses the
     * transition table allows to reach the new one (the last parameter). Restarts the step's lease
     * ({@code updated_at}).
     */
    static final String STEP_UPDATE = """
            update steps set
                step_status = coalesce(?, step_status),
                output = coalesce(?, output),
                output_additional = coalesce(?::jsonb, output_additional),
                output_artifacts = coalesce(?::jsonb, output_artifacts),
                cost = coalesce(?, cost),
                is_last = coalesce(?, is_last),
                name = coalesce(?, name),
                step_order = coalesce(?, step_order),
                predecessor = coalesce(?, predecessor),
                input_query = coalesce(?, input_query),
                input_params = coalesce(?::jsonb, input_params),
                input_additional = coalesce(?::jsonb, input_additional),
                input_artifacts = coalesce(?::jsonb, input_artifacts),
                updated_at = ?
            where step_id = ? and task_id = ? and step_status = any(?::text[])
            returning\s""" + COLUMNS;

    /**
     * {@link #STEP_UPDATE} for many steps at once (each of another task), from parallel arrays with one
     * element per step; a null element leaves its column as it is. The predecessor is not among them. It
     * makes every check of an update itself, so that it can go with the statement that locks the tasks,
     * in one round trip: a step is updated only if its task is the one named, of the agent and owner
     * named, in one of the statuses of the last parameter (those that take step updates); if the step
     * is in one of the statuses of its own comma-separated list of sources; and if the update's attempt,
     * when it names one, is not older than the step's. A step that fails a check is left out of the
     * result (the caller tells why from what the lock read).
     */
    static final String STEP_UPDATE_MANY = """
            update steps set
                step_status = coalesce(u.u_status, step_status),
                output = coalesce(u.u_output, output),
                output_additional = coalesce(u.u_output_additional::jsonb, output_additional),
                output_artifacts = coalesce(u.u_output_artifacts::jsonb, output_artifacts),
                cost = coalesce(u.u_cost, cost),
                is_last = coalesce(u.u_is_last, is_last),
                name = coalesce(u.u_name, name),
                step_order = coalesce(u.u_order, step_order),
                input_query = coalesce(u.u_input_query, input_query),
                input_params = coalesce(u.u_input_params::jsonb, input_params),
                input_additional = coalesce(u.u_input_additional::jsonb, input_additional),
                input_artifacts = coalesce(u.u_input_artifacts::jsonb, input_artifacts),
                updated_at = u.u_now::timestamptz
            from (select u.*, s.step_row
                  from unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::int8[], ?::bool[],
                              ?::text[], ?::int4[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
                              ?::text[], ?::text[], ?::int4[])
                      as u(u_step, u_task, u_status, u_output, u_output_additional, u_output_artifacts, u_cost,
                           u_is_last, u_name, u_order, u_input_query, u_input_params, u_input_additional,
                           u_input_artifacts, u_now, u_sources, u_did, u_owner, u_attempt)
                  cross join lateral (select ctid as step_row, task_id as of_task, retries as step_attempt
                                      from steps where steps.step_id = u.u_step limit 1) as s
                  cross join lateral (select did, owner, task_status
                                      from tasks where tasks.task_id = u.u_task limit 1) as t
                  where s.of_task = u.u_task and t.did = u.u_did and t.owner = u.u_owner
                    and t.task_status = any(?::text[])
                    and (u.u_attempt is null or u.u_attempt >= s.step_attempt)
                  offset 0) as u
            where steps.ctid = u.step_row and step_status = any(string_to_array(u.u_sources, ','))
            returning\s""" + COLUMNS;

    /**
     * Makes the waiting successors of a completed step Pending, giving each the predecessor's output
     * as input where its own input is empty.
     */
    static final String STEP_ACTIVATE_SUCCESSORS = """
            update steps set
                step_status = 'Pending',
                input_query = coalesce(nullif(input_query, ''), ?, input_query),
                input_artifacts = case when coalesce(input_artifacts, '[]'::jsonb) = '[]'::jsonb
                                       then coalesce(?::jsonb, input_artifacts) else input_artifacts end,
                updated_at = ?
            where task_id = ? and predecessor = ? and step_status = 'Not_Ready'
            returning\s""" + COLUMNS;

    static final String STEP_LIST_BY_OWNER = "select " + COLUMNS + """
            from steps
            where owner = ? and (?::text is null or step_status = ?) and (?::text[] is null or did = any(?))
            order by created_at desc, step_id limit ?
            """;

    static final String STEP_COUNT_BY_OWNER = """
            select count(*) from steps
            where owner = ? and (?::text is null or step_status = ?) and (?::text[] is null or did = any(?))
            """;

    /** Steps to replay to a worker: the caller's, in one status, of some agents or all, oldest first. */
    static final String STEP_LIST_TO_REPLAY = "select " + COLUMNS + """
            from steps
            where owner = ? and step_status = ? and (?::text[] is null or did = any(?))
            order by created_at, step_order, step_id limit ?
            """;

    /**
     * Whether this transaction may sweep expired leases: one sweeper at a time across every node
     * (a transaction-scoped advisory lock in a namespace of the hub's own, 'rscu' in ASCII); the others
     * skip their turn.
     */
    static final String STEP_RESCUE_TAKE_TURN = "select pg_try_advisory_xact_lock(1920164725, 1)";

    /**
     * The shortest lease any step has now: the hub's, or an agent's own if shorter. The due steps are
     * looked for among those older than that, in the lease index's order.
     */
    static final String STEP_SHORTEST_LEASE = """
            select least(?, (select min(step_lease_seconds) from agents where step_lease_seconds is not null))
            """;

    /**
     * Steps whose lease has expired (not updated for their agent's lease), oldest first, with their
     * agent's most attempts. Parameters: the oldest an update may be for any lease to have expired, now,
     * the hub's lease in seconds, the hub's most attempts, the most steps to take.
     */
    static final String STEP_LIST_DUE = """
            select s.step_id, s.task_id, s.did, s.owner, s.retries, s.updated_at,
                   coalesce(a.step_lease_seconds, ?) as lease_seconds,
                   coalesce(a.step_max_attempts, ?) as max_attempts
            from steps s join agents a on a.did = s.did
            where s.step_status in ('Pending', 'In_Progress')
              and s.updated_at < ?
              and s.updated_at < ?::timestamptz - make_interval(secs => coalesce(a.step_lease_seconds, ?))
            order by s.updated_at
            limit ?
            """;

    /**
     * Hands a step out again, if nobody updated it since it was found due: Pending, one more attempt, a
     * new lease.
     */
    static final String STEP_HAND_OUT_AGAIN = """
            update steps set step_status = 'Pending', retries = retries + 1, updated_at = ?
            where step_id = ? and updated_at = ? and step_status in ('Pending', 'In_Progress')
            returning\s""" + COLUMNS;

    /** Fails a step whose last attempt's lease expired, if nobody updated it since it was found due. */
    static final String STEP_FAIL_LAST_ATTEMPT = """
            update steps set step_status = 'Failed', output = ?, updated_at = ?
            where step_id = ? and updated_at = ? and step_status in ('Pending', 'In_Progress')
            returning\s""" + COLUMNS;

    /** Renews the lease of an open step (its agent's owner logged a line about it). */
    static final String STEP_RENEW_LEASE = """
            update steps set updated_at = ?
            where step_id = ? and task_id = ? and step_status in ('Pending', 'In_Progress')
            """;

    private static final String SEARCH_FILTER = """
            from steps
            where owner = ?
              and (?::text is null or step_id = ?)
              and (?::text is null or task_id = ?)
              and (?::text is null or did = ?)
              and (?::text is null or name = ?)
              and (?::text is null or step_status = ?)
            """;

    static final String STEP_SEARCH = "select " + COLUMNS + SEARCH_FILTER + """
            order by created_at desc, step_id limit ? offset ?
            """;

    static final String STEP_SEARCH_COUNT = "select count(*) " + SEARCH_FILTER;

    static final RowMapper<StepRecord> STEP = row -> new StepRecord(
            row.getString("step_id"),
            row.getString("task_id"),
            row.getString("did"),
            Tx.status(row, "step_status"),
            row.getString("name"),
            row.getInt("step_order"),
            row.getString("predecessor"),
            row.getBoolean("is_last"),
            row.getInt("retries"),
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
}
