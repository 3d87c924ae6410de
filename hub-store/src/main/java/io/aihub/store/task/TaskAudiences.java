package io.aihub.store.task;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.Optional;

/**
 * Who may see the tasks this node has created or looked up lately, by task id. A task's agent, owner
 * and creator are fixed when it is created and never change, so what is remembered stays true while
 * the task exists; forgetting only costs a lookup. A subscriber joins the room of the task it has just
 * created, usually on the node that created it: that join needs no query.
 */
final class TaskAudiences {
    /** About 400 bytes each: some 6 MiB when full. */
    private static final int REMEMBERED = 16_384;
    /** A task is watched while it runs; an hour unused, it is most likely finished. */
    private static final Duration UNUSED_FOR = Duration.ofHours(1);

    private final Cache<String, TaskAccess.Audience> recent = Caffeine.newBuilder()
            .maximumSize(REMEMBERED)
            .expireAfterAccess(UNUSED_FOR)
            .build();

    void remember(TaskAccess.Audience audience) {
        recent.put(audience.taskId(), audience);
    }

    Optional<TaskAccess.Audience> of(String taskId) {
        return Optional.ofNullable(recent.getIfPresent(taskId));
    }
}
