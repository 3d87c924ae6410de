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
    /**
     * About 450 bytes each: some 0.9 MiB when full. Joins follow their task's creation by milliseconds,
     * and 2,048 tasks are more than a second of creations at the hub's peak; each entry lives only that
     * long under load. A larger cache would keep entries alive through several young collections, each
     * of which copies them again (16,384 entries held some 7 MiB, a quarter of the live heap at the peak).
     */
    private static final int REMEMBERED = 2_048;
    /** A task is watched while it runs; an hour unused, it is most likely finished. */
    private static final Duration UNUSED_FOR = Duration.ofHours(1);

    private final Cache<String, TaskAccess.Audience> recent = Caffeine.newBuilder()
            .maximumSize(REMEMBERED)
            .expireAfterAccess(UNUSED_FOR)
            .executor(Runnable::run) // its upkeep on the caller's thread, not a wake-up of another
            .build();

    void remember(TaskAccess.Audience audience) {
        recent.put(audience.taskId(), audience);
    }

    Optional<TaskAccess.Audience> of(String taskId) {
        return Optional.ofNullable(recent.getIfPresent(taskId));
    }
}
