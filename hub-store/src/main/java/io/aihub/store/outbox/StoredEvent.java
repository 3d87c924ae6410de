package io.aihub.store.outbox;

import io.aihub.protocol.ProtocolEvent;
import java.time.Instant;

/**
 * An announced change as committed to the {@code events} table: who should hear it (the task's room,
 * or the owner's account and agent rooms), its payload, already JSON, whether it ends its task (the
 * {@code task-updated} that carries the task's final state: {@link io.aihub.protocol.TaskUpdated#endsTask()}),
 * and when its transaction wrote it.
 */
public record StoredEvent(
        long eventId,
        long txId,
        ProtocolEvent event,
        String taskId,
        String did,
        String owner,
        String payloadJson,
        boolean endsTask,
        Instant createdAt) {}
