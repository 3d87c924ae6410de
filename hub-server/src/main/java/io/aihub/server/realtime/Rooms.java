package io.aihub.server.realtime;

/** Room names: internal to the hub, never seen by clients. */
final class Rooms {
    private Rooms() {}

    /** Every agent of an account. */
    static String account(String address) {
        return "account:" + address;
    }

    /** One agent. */
    static String agent(String did) {
        return "agent:" + did;
    }

    /** One task's updates and logs. */
    static String task(String taskId) {
        return "task:" + taskId;
    }
}
