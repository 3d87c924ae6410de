package io.aihub.store.work;

import io.aihub.protocol.ProtocolEvent;
import io.aihub.protocol.TaskRecord;
import io.aihub.store.HubJson;
import io.aihub.store.Tx;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The events one transaction announces, in the order they happen. They are appended to the outbox
 * together, with the nodes' wake-up, as the transaction's last statement: one round trip however
 * many there are, and for however many tasks.
 */
final class Announcements {
    private final Instant at;
    private final List<String> names = new ArrayList<>();
    private final List<String> taskIds = new ArrayList<>();
    private final List<String> dids = new ArrayList<>();
    private final List<String> owners = new ArrayList<>();
    private final List<String> payloads = new ArrayList<>();

    Announcements(Instant at) {
        this.at = at;
    }

    /** Announces {@code payload} as {@code event} about {@code task}, to the task's and its owner's rooms. */
    void add(ProtocolEvent event, TaskRecord task, Record payload) {
        if (!event.payloadType().isInstance(payload)) {
            throw new IllegalArgumentException(event.wireName() + " carries " + event.payloadType().getSimpleName()
                    + ", not " + payload.getClass().getSimpleName());
        }
        names.add(event.wireName());
        taskIds.add(task.taskId());
        dids.add(task.did());
        owners.add(task.owner());
        payloads.add(HubJson.write(payload));
    }

    /** Appends what was announced (nothing if nothing was) to the outbox and wakes the nodes at commit. */
    void append(Tx tx) throws SQLException {
        if (names.isEmpty()) {
            return;
        }
        tx.one(EventSql.EVENT_APPEND_AND_NOTIFY, row -> Boolean.TRUE, at, names.toArray(String[]::new),
                taskIds.toArray(String[]::new), dids.toArray(String[]::new), owners.toArray(String[]::new),
                payloads.toArray(String[]::new));
    }
}
