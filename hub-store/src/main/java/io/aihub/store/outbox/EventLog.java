package io.aihub.store.outbox;

import io.aihub.protocol.ProtocolEvent;
import io.aihub.store.jdbc.Database;
import io.aihub.store.jdbc.RowMapper;
import io.aihub.store.jdbc.Tx;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads the {@code events} outbox in commit order. A reader starts at {@link #now()} and asks for
 * what follows its cursor; it gets only rows no running transaction can still precede, so it never
 * has to go back.
 */
public final class EventLog {
    /** The channel writers NOTIFY at commit and every node LISTENs on. */
    public static final String CHANNEL = EventSql.CHANNEL;

    private static final int DELETE_CHUNK = 20_000;

    private final Database database;

    public EventLog(Database database) {
        this.database = database;
    }

    /** A cursor before every event not yet committed and after every event committed already. */
    public EventCursor now() {
        long xmin = Long.parseLong(database.lookup(
                tx -> tx.one(EventSql.EVENT_CURSOR_NOW, row -> row.getString(1)).orElseThrow()));
        return new EventCursor(xmin, -1);
    }

    /** What follows the cursor, at most {@code limit}: settled rows first, and whether unsettled ones wait behind them. */
    public Batch after(EventCursor cursor, int limit) {
        return database.lookup(tx -> {
            List<StoredEvent> settled = new ArrayList<>();
            boolean waiting = false;
            for (Row row : tx.listPlannedPerRun(
                    EventSql.EVENT_READ_AFTER, EventLog::row, Long.toString(cursor.txId()), cursor.eventId(), limit)) {
                if (!row.settled()) {
                    waiting = true;
                    break;
                }
                settled.add(row.event());
            }
            return new Batch(settled, waiting, settled.size() == limit);
        });
    }

    /** How many events lie after {@code cursor}: what delivery has still to read. */
    public long backlog(EventCursor cursor) {
        return database.lookup(tx -> tx.one(
                        EventSql.EVENT_COUNT_AFTER, RowMapper.COUNT, Long.toString(cursor.txId()), cursor.eventId())
                .orElse(0L));
    }

    /** Drops events older than {@code before}: late readers get state by replay, not from old events. */
    public int deleteBefore(Instant before) {
        Optional<Long> found =
                database.lookup(tx -> tx.one(EventSql.EVENT_PRUNE_BOUNDARY, row -> row.getLong(1), before));
        if (found.isEmpty()) {
            return 0; // no events at all
        }
        long boundary = found.get();
        int deleted = 0;
        int chunk;
        do { // in chunks, each a short transaction: a day of events at full speed is millions of rows
            chunk = database.transaction(
                    tx -> tx.update(EventSql.EVENT_DELETE_OLDEST_BEFORE, boundary, before, DELETE_CHUNK));
            deleted += chunk;
        } while (chunk == DELETE_CHUNK);
        return deleted;
    }

    /**
     * @param waiting rows exist after these whose transactions may still be preceded; read again soon
     * @param full    the limit was reached; read again at once
     */
    public record Batch(List<StoredEvent> events, boolean waiting, boolean full) {}

    private record Row(StoredEvent event, boolean settled) {}

    private static Row row(java.sql.ResultSet row) throws java.sql.SQLException {
        return new Row(
                new StoredEvent(
                        row.getLong("event_id"),
                        Long.parseLong(row.getString("tx_text")),
                        ProtocolEvent.ofWireName(row.getString("event_name")),
                        row.getString("task_id"),
                        row.getString("did"),
                        row.getString("owner"),
                        row.getString("payload"),
                        row.getBoolean("ends_task"),
                        Tx.instant(row, "created_at")),
                row.getBoolean("settled"));
    }
}
