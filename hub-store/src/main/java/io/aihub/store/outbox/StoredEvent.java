package io.aihub.store.outbox;

import io.aihub.protocol.ProtocolEvent;

/**
 * An announced change as committed to the {@code events} table: who should hear it (the task's room,
 * or the owner's account and agent rooms) and its payload, already JSON.
 */
public record StoredEvent(
        long eventId, long txId, ProtocolEvent event, String taskId, String did, String owner, String payloadJson) {}
