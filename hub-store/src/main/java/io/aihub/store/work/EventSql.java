package io.aihub.store.work;

import io.aihub.protocol.ProtocolEvent;
import io.aihub.store.HubJson;
import io.aihub.store.Tx;
import java.sql.SQLException;
import java.time.Instant;

/**
 * SQL of the {@code events} outbox. Every change the protocol announces is appended here in the
 * transaction that makes it, so it is delivered if and only if the change commits.
 */
final class EventSql {
    private EventSql() {
    }

    /** The channel every hub node LISTENs on; a notification is only a wake-up, the rows are the news. */
    static final String CHANNEL = "hub_events";

    static final String EVENT_INSERT = """
            insert into events (event_name, task_id, did, owner, payload, created_at) values (?, ?, ?, ?, ?::json, ?)
            """;

    /** Delivered at commit, once per transaction (identical notifications in one transaction are folded). */
    static final String EVENT_NOTIFY = "notify " + CHANNEL;

    /**
     * Rows after a cursor in commit order (ordered by the xid8 column itself: an output column of the
     * same name would sort as text, putting 10000001 before 9999999), each flagged {@code settled} when no running transaction
     * can still commit a row before it (its transaction is older than the snapshot's xmin).
     */
    static final String EVENT_READ_AFTER = """
            select event_id, tx_id::text as tx_text, event_name, task_id, did, owner, payload::text as payload,
                   tx_id < pg_snapshot_xmin(pg_current_snapshot()) as settled
            from events
            where (tx_id, event_id) > (?::xid8, ?)
            order by events.tx_id, events.event_id
            limit ?
            """;

    /** Everything older than the oldest running transaction has been committed already. */
    static final String EVENT_CURSOR_NOW = "select pg_snapshot_xmin(pg_current_snapshot())::text";

    static final String EVENT_DELETE_BEFORE = "delete from events where created_at < ?";

    static void append(Tx tx, ProtocolEvent event, String taskId, String did, String owner, Record payload,
                       Instant at) throws SQLException {
        if (!event.payloadType().isInstance(payload)) {
            throw new IllegalArgumentException(event.wireName() + " carries " + event.payloadType().getSimpleName()
                    + ", not " + payload.getClass().getSimpleName());
        }
        tx.update(EVENT_INSERT, event.wireName(), taskId, did, owner, HubJson.write(payload), at);
        tx.update(EVENT_NOTIFY);
    }
}
