package io.aihub.server.realtime;

/**
 * What one Socket.IO connection may take of the hub.
 *
 * @param outboundBufferBytes events written to a socket and not yet taken by its client; a socket past
 *                            it is closed, and what it was owed is dropped (it catches up by replay)
 * @param inboundQueue        events of one socket waiting to be handled; past it, the hub stops reading
 *                            from that socket until they are
 * @param socketsPerAccount   sockets one account may hold open on a node ({@link #perAccountWithin} by default)
 * @param roomsPerSocket      rooms (account, agents, tasks) one socket may be in at once; a task's room is
 *                            left a few seconds after the task ends ({@link EndedTaskRooms})
 */
public record SocketLimits(int outboundBufferBytes, int inboundQueue, int socketsPerAccount, int roomsPerSocket) {
    /**
     * 10,000 rooms per socket: a subscriber's socket that creates 350 tasks a second (a quarter of the
     * hub's peak) is in some 2,000 rooms at once, each kept {@link EndedTaskRooms#GRACE} after its task
     * ends; at about 400 bytes a room, 4 MB at most per socket.
     */
    public static final SocketLimits DEFAULTS = new SocketLimits(1024 * 1024, 16, 1_000, 10_000);

    /** An account's share of a node's connections: a quarter of them, 1,000 at most. */
    public static int perAccountWithin(int maxConnections) {
        return Math.max(1, Math.min(1_000, maxConnections / 4));
    }

    public SocketLimits {
        if (outboundBufferBytes < 64 * 1024 || inboundQueue < 1 || socketsPerAccount < 1 || roomsPerSocket < 1) {
            throw new IllegalArgumentException("outboundBufferBytes must be at least 64 KiB, inboundQueue,"
                    + " socketsPerAccount and roomsPerSocket positive");
        }
    }
}
