package io.aihub.protocol;

/**
 * The Socket.IO events of the Query Protocol, by wire name, each tied to its payload record and to its
 * {@link Route}: who hears it. Every event carries exactly one argument; the server always sends it as
 * a JSON string, clients may send a JSON string or an object.
 */
public enum ProtocolEvent {
    // server → rooms: what the events outbox announces
    STEP_UPDATED("step-updated", StepRecord.class, Route.AGENT_ROOMS),
    TASK_UPDATED("task-updated", TaskUpdated.class, Route.TASK_ROOM),
    TASK_LOG("task-log", TaskLogRecord.class, Route.TASK_ROOM),
    /**
     * A step of the task changed where no other event says so (it was created, or updated without its
     * task's status or output changing, or handed out again): for those watching the task, such as the
     * dashboard; the SDKs ignore it.
     */
    STEP_CHANGED("step-changed", StepRecord.class, Route.TASK_ROOM),
    // server → one socket: answers
    CONNECTED("_connected", SocketPayloads.Connected.class, Route.REPLY),
    ROOMS_JOINED("_join-rooms_", SocketPayloads.RoomsJoined.class, Route.REPLY),
    TASKS_JOINED("_join-tasks_", SocketPayloads.TasksJoined.class, Route.REPLY),
    ERROR("error", SocketPayloads.Error.class, Route.REPLY),
    // client → server
    JOIN_ROOMS("_join-rooms", SocketPayloads.JoinRooms.class, Route.INBOUND),
    EMIT_STEPS("_emit-steps", SocketPayloads.EmitSteps.class, Route.INBOUND),
    JOIN_TASKS("_join-tasks", SocketPayloads.JoinTasks.class, Route.INBOUND),
    SEND_TASK_LOG("_task-log", SocketPayloads.NewTaskLog.class, Route.INBOUND);

    /** Who hears an event. */
    public enum Route {
        /** Announced through the outbox to the agent owner's account room and the agent's room (the workers). */
        AGENT_ROOMS,
        /** Announced through the outbox to the task's room (its creator and its agent's owner, once joined). */
        TASK_ROOM,
        /** Sent to the one socket it answers. */
        REPLY,
        /** Sent by clients to the hub. */
        INBOUND
    }

    private final String wireName;
    private final Class<? extends Record> payloadType;
    private final Route route;

    ProtocolEvent(String wireName, Class<? extends Record> payloadType, Route route) {
        this.wireName = wireName;
        this.payloadType = payloadType;
        this.route = route;
    }

    public String wireName() {
        return wireName;
    }

    public Class<? extends Record> payloadType() {
        return payloadType;
    }

    public Route route() {
        return route;
    }

    /** Whether the events outbox carries it (and its table's CHECK constraint allows its name). */
    public boolean isAnnounced() {
        return route == Route.AGENT_ROOMS || route == Route.TASK_ROOM;
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
