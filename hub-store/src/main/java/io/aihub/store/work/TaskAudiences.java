package io.aihub.store.work;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Who may see the tasks this node has created or looked up lately, by task id. A task's agent, owner
 * and creator are fixed when it is created and never change, and tasks are never deleted, so what is
 * remembered stays true; forgetting (the least recently used first, beyond {@code capacity}) only
 * costs a lookup. A subscriber joins the room of the task it has just created, usually on the node
 * that created it: that join needs no query.
 */
final class TaskAudiences {
    private final Map<String, TaskAccess.Audience> recent;

    TaskAudiences(int capacity) {
        this.recent = new LinkedHashMap<>(capacity, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, TaskAccess.Audience> eldest) {
                return size() > capacity;
            }
        };
    }

    synchronized void remember(TaskAccess.Audience audience) {
        recent.put(audience.taskId(), audience);
    }

    synchronized Optional<TaskAccess.Audience> of(String taskId) {
        return Optional.ofNullable(recent.get(taskId));
    }
}
