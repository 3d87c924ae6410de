package io.aihub.store.work;

import io.aihub.protocol.ProtocolEvent;
import io.aihub.store.HubJson;
import io.aihub.store.Tx;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The events one transaction announces about one task, in the order they happen. They are appended
 * to the outbox together, with the nodes' wake-up, as the transaction's last statement: one round
 * trip however many there are.
 */
final class Announcements {
    private final String taskId;
    private final String did;
    private final String owner;
    private final Instant at;
    private final List<String> names = new ArrayList<>();
    private final List<String> payloads = new ArrayList<>();

    Announcements(String taskId, String did, String owner, Instant at) {
        this.taskId = taskId;
        this.did = did;
        this.owner = owner;
        this.at = at;
    }

    void add(ProtocolEvent event, Record payload) {
        if (!event.payloadType().isInstance(payload)) {
            throw new IllegalArgumentException(event.wireName() + " carries " + event.payloadType().getSimpleName()
                    + ", not " + payload.getClass().getSimpleName());
        }
        names.add(event.wireName());
        payloads.add(HubJson.write(payload));
    }

    /** Appends what was announced (nothing if nothing was) to the outbox and wakes the nodes at commit. */
    void append(Tx tx) throws SQLException {
        if (names.isEmpty()) {
            return;
        }
        tx.one(EventSql.EVENT_APPEND_AND_NOTIFY, row -> Boolean.TRUE, taskId, did, owner, at,
                names.toArray(String[]::new), payloads.toArray(String[]::new));
    }
}
