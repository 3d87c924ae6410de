package io.aihub.store.outbox;

/** A position in the events table's commit order: rows after {@code (txId, eventId)} are news. */
public record EventCursor(long txId, long eventId) {
    /** The cursor just past a delivered event. */
    public static EventCursor after(StoredEvent event) {
        return new EventCursor(event.txId(), event.eventId());
    }
}
