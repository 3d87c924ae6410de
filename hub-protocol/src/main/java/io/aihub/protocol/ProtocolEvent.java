package io.aihub.protocol;

/**
 * The Socket.IO events of the Query Protocol, by wire name. Server-to-client data events are tied to
 * the record type that is their (JSON-string) payload.
 */
public enum ProtocolEvent {
    STEP_UPDATED("step-updated", StepRecord.class),
    TASK_UPDATED("task-updated", TaskUpdated.class),
    TASK_LOG("task-log", TaskLogRecord.class);

    private final String wireName;
    private final Class<? extends Record> payloadType;

    ProtocolEvent(String wireName, Class<? extends Record> payloadType) {
        this.wireName = wireName;
        this.payloadType = payloadType;
    }

    public String wireName() {
        return wireName;
    }

    public Class<? extends Record> payloadType() {
        return payloadType;
    }

    public static ProtocolEvent ofWireName(String wireName) {
        for (ProtocolEvent event : values()) {
            if (event.wireName.equals(wireName)) {
                return event;
            }
        }
        throw new IllegalArgumentException("not a protocol event: " + wireName);
    }
}
