package io.aihub.store.task;

import io.aihub.protocol.TaskRecord;

/**
 * Who may see a task and who may work on it: its creator (the subscriber who submitted it) may read
 * it, and so may its agent's owner, who alone may add and update its steps. A task's audience is fixed
 * at its creation ({@link TaskAudiences} remembers it on every node): anything that ever changed an
 * agent's owner would have to forget it on every node too.
 */
final class TaskAccess {
    private TaskAccess() {}

    /** The creator and owner of a task of agent {@code did}. */
    record Audience(String taskId, String did, String owner, String user) {
        boolean canRead(String agentDid, String caller) {
            return did.equals(agentDid) && (owner.equals(caller) || user.equals(caller));
        }

        boolean canWork(String agentDid, String caller) {
            return did.equals(agentDid) && owner.equals(caller);
        }
    }

    static Audience of(TaskRecord task) {
        return new Audience(task.taskId(), task.did(), task.owner(), task.user());
    }
}
