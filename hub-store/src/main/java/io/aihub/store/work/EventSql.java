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

    static final String EVENT_INSERT = """
            insert into events (event_name, task_id, did, owner, payload, created_at) values (?, ?, ?, ?, ?::jsonb, ?)
            """;

    static void append(Tx tx, ProtocolEvent event, String taskId, String did, String owner, Record payload,
                       Instant at) throws SQLException {
        if (!event.payloadType().isInstance(payload)) {
            throw new IllegalArgumentException(event.wireName() + " carries " + event.payloadType().getSimpleName()
                    + ", not " + payload.getClass().getSimpleName());
        }
        tx.update(EVENT_INSERT, event.wireName(), taskId, did, owner, HubJson.write(payload), at);
    }
}
