package io.aihub.store.outbox;

/**
 * SQL of the {@code events} outbox and of the task gates that order it. Every change the protocol
 * announces is appended here in the transaction that makes it (see {@link Announcements}), so it is
 * delivered if and only if the change commits.
 */
final class EventSql {
    private EventSql() {}

    /**
     * Enters the gates of tasks ({@link TaskGates}): an advisory lock per key, in the order given (unnest
     * reads an array in order), in a namespace of the hub's own (the first key, 'task' in ASCII).
     */
    static final String TASK_GATES_ENTER = """
            select count(pg_advisory_xact_lock(1952543595, key)) from unnest(?::int4[]) as key
            """;

    /** The channel every hub node LISTENs on; a notification is only a wake-up, the rows are the news. */
    static final String CHANNEL = "hub_events";

    /**
     * Appends a transaction's events in the order given and wakes every node at commit (notifications
     * are folded to one per transaction). Answers one row.
     */
    static final String EVENT_APPEND_AND_NOTIFY = """
            with appended as (
                insert into events (created_at, event_name, task_id, did, owner, payload, ends_task)
                select u.created_at::timestamptz, u.event_name, u.task_id, u.did, u.owner, u.payload::json, u.ends_task
                from unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::bool[])
                     with ordinality as u(created_at, event_name, task_id, did, owner, payload, ends_task, position)
                order by u.position
                returning event_id)
            select pg_notify('%s', '') from (select 1 from appended limit 1) as announced
            """.formatted(CHANNEL);

    /**
     * Rows after a cursor in commit order (ordered by the xid8 column itself: an output column of the
     * same name would sort as text, putting 10000001 before 9999999), each flagged {@code settled} when no running transaction
     * can still commit a row before it (its transaction is older than the snapshot's xmin).
     */
    static final String EVENT_READ_AFTER = """
            select event_id, tx_id::text as tx_text, event_name, task_id, did, owner, payload::text as payload,
                   ends_task, created_at, tx_id < pg_snapshot_xmin(pg_current_snapshot()) as settled
            from events
            where (tx_id, event_id) > (?::xid8, ?)
            order by events.tx_id, events.event_id
            limit ?
            """;

    /** How many rows lie after a cursor in commit order, settled or not: the delivery backlog. */
    static final String EVENT_COUNT_AFTER = """
            select count(*) from events where (tx_id, event_id) > (?::xid8, ?)
            """;

    static final String EVENT_CURSOR_NOW = "select pg_snapshot_xmin(pg_current_snapshot())::text";

    /**
     * Where pruning stops: the first event kept (created at or after the cutoff), or past the last
     * event when every one is older (no row when there are no events). Found in the primary key's order,
     * so it reads the old rows only.
     */
    static final String EVENT_PRUNE_BOUNDARY = """
            select boundary from (
                select coalesce((select min(event_id) from events where created_at >= ?),
                                (select max(event_id) + 1 from events)) as boundary) as b
            where boundary is not null
            """;

    /**
     * Deletes up to a limit of the oldest events below the boundary that were created before the
     * cutoff (an event committed late may carry a lower id than the boundary and still be new). The
     * index range ends at the boundary, so each call reads little more than it deletes.
     */
    static final String EVENT_DELETE_OLDEST_BEFORE = """
            delete from events where event_id in (
                select event_id from events where event_id < ? and created_at < ? order by event_id limit ?)
            """;
}
