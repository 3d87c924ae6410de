package io.aihub.protocol;

/**
 * The Socket.IO events of the Query Protocol, by wire name, each tied to its payload record. Every
 * event carries exactly one argument; the server always sends it as a JSON string, clients may send
 * a JSON string or an object.
 */
public enum ProtocolEvent {
    // server → client: what the events table announces
    STEP_UPDATED("step-updated", StepRecord.class),
    TASK_UPDATED("task-updated", TaskUpdated.class),
    TASK_LOG("task-log", TaskLogRecord.class),
    // server → client: answers to one socket
    CONNECTED("_connected", SocketPayloads.Connected.class),
    ROOMS_JOINED("_join-rooms_", SocketPayloads.RoomsJoined.class),
    TASKS_JOINED("_join-tasks_", SocketPayloads.TasksJoined.class),
    ERROR("error", SocketPayloads.Error.class),
    // client → server
    JOIN_ROOMS("_join-rooms", SocketPayloads.JoinRooms.class),
    EMIT_STEPS("_emit-steps", SocketPayloads.EmitSteps.class),
    JOIN_TASKS("_join-tasks", SocketPayloads.JoinTasks.class),
    SEND_TASK_LOG("_task-log", SocketPayloads.NewTaskLog.class);

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
