package io.aihub.store.outbox;

import io.aihub.protocol.ProtocolEvent;
import io.aihub.protocol.TaskRecord;
import io.aihub.protocol.TaskUpdated;
import io.aihub.store.jdbc.JsonColumns;
import io.aihub.store.jdbc.Pipeline;
import io.aihub.store.jdbc.Tx;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The events one transaction announces, in the order they happen. The transaction appends them to the
 * outbox together, with the nodes' wake-up, as its last statement before commit ({@link #append}): one
 * round trip however many there are, and for however many tasks and requests (a batch of step updates).
 */
public final class Announcements {
    private final List<String> ats = new ArrayList<>();
    private final List<String> names = new ArrayList<>();
    private final List<String> taskIds = new ArrayList<>();
    private final List<String> dids = new ArrayList<>();
    private final List<String> owners = new ArrayList<>();
    private final List<String> payloads = new ArrayList<>();
    private final List<Boolean> endings = new ArrayList<>();
    private boolean appended;

    /**
     * Announces {@code payload} as {@code event} about {@code task}; the event's {@link
     * ProtocolEvent#route()} says which rooms hear it.
     */
    public void add(Instant at, ProtocolEvent event, TaskRecord task, Record payload) {
        add(at, event, task.taskId(), task.did(), task.owner(), payload);
    }

    /** Announces {@code payload} as {@code event} about the task {@code taskId} of agent {@code did} of {@code owner}. */
    public void add(Instant at, ProtocolEvent event, String taskId, String did, String owner, Record payload) {
        if (appended) {
            throw new IllegalStateException("announced after the outbox was written: " + event.wireName());
        }
        if (!event.isAnnounced()) {
            throw new IllegalArgumentException(event.wireName() + " is not an event the outbox announces");
        }
        if (!event.payloadType().isInstance(payload)) {
            throw new IllegalArgumentException(
                    event.wireName() + " carries " + event.payloadType().getSimpleName() + ", not "
                            + payload.getClass().getSimpleName());
        }
        ats.add(at.toString());
        names.add(event.wireName());
        taskIds.add(taskId);
        dids.add(did);
        owners.add(owner);
        payloads.add(JsonColumns.write(payload));
        endings.add(payload instanceof TaskUpdated update && update.endsTask());
    }

    /**
     * Appends what was announced (nothing if nothing was) to the outbox and wakes the nodes at commit.
     * The transaction's last statement: nothing can be announced after it.
     */
    public void append(Tx tx) throws SQLException {
        appended = true;
        if (!names.isEmpty()) {
            tx.one(EventSql.EVENT_APPEND_AND_NOTIFY, row -> Boolean.TRUE, appendParams());
        }
    }

    /**
     * {@link #append(Tx)}, then the commit, in one round trip ({@link Pipeline#runAndCommit}): for a
     * transaction whose last statement this is. With nothing announced, the transaction commits as usual.
     */
    public void appendAndCommit(Tx tx) throws SQLException {
        appended = true;
        if (!names.isEmpty()) {
            Pipeline last = tx.pipeline();
            last.add(EventSql.EVENT_APPEND_AND_NOTIFY, row -> Boolean.TRUE, appendParams());
            last.runAndCommit();
        }
    }

    private Object[] appendParams() {
        return new Object[] {
            ats.toArray(String[]::new),
            names.toArray(String[]::new),
            taskIds.toArray(String[]::new),
            dids.toArray(String[]::new),
            owners.toArray(String[]::new),
            payloads.toArray(String[]::new),
            endings.toArray(Boolean[]::new)
        };
    }
}
