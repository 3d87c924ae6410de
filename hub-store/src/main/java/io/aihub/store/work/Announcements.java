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
 * together, with the nodes' wake-up, as the transaction's last statement before commit: one round trip
 * however many there are, and for however many tasks and units of work (a batch of step updates).
 */
final class Announcements implements Tx.Finish {
    private final List<String> ats = new ArrayList<>();
    private final List<String> names = new ArrayList<>();
    private final List<String> taskIds = new ArrayList<>();
    private final List<String> dids = new ArrayList<>();
    private final List<String> owners = new ArrayList<>();
    private final List<String> payloads = new ArrayList<>();

    private Announcements() {
    }

    /** What this transaction announces; appended to the outbox just before it commits. */
    static Announcements in(Tx tx) {
        return tx.finishing(Announcements.class, Announcements::new);
    }

    /** Announces {@code payload} as {@code event} about {@code task}, to the task's and its owner's rooms. */
    void add(Instant at, ProtocolEvent event, TaskRecord task, Record payload) {
        if (!event.payloadType().isInstance(payload)) {
            throw new IllegalArgumentException(event.wireName() + " carries " + event.payloadType().getSimpleName()
                    + ", not " + payload.getClass().getSimpleName());
        }
        ats.add(at.toString());
        names.add(event.wireName());
        taskIds.add(task.taskId());
        dids.add(task.did());
        owners.add(task.owner());
        payloads.add(HubJson.write(payload));
    }

    /** Appends what was announced (nothing if nothing was) to the outbox and wakes the nodes at commit. */
    @Override
    public void finish(Tx tx) throws SQLException {
        if (names.isEmpty()) {
            return;
        }
        tx.one(EventSql.EVENT_APPEND_AND_NOTIFY, row -> Boolean.TRUE, ats.toArray(String[]::new),
                names.toArray(String[]::new),
                taskIds.toArray(String[]::new), dids.toArray(String[]::new), owners.toArray(String[]::new),
                payloads.toArray(String[]::new));
    }
}
