package io.aihub.store.task;

import io.aihub.store.batch.GroupCommit;
import io.aihub.store.batch.GroupCommit.Pending;
import io.aihub.store.jdbc.Database;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * Reads what sockets joining task rooms are told first ({@link TaskHistory}) for all the joins that
 * arrive together in one statement, through the same batching as the writes ({@link GroupCommit}): a
 * subscriber joins every task it creates, so at load this read was the one statement of a lifecycle
 * that each lifecycle ran alone. Two readers, so that one large read does not hold up every join; a
 * lone join waits at most for the reads in progress. At most 8 requests share a read (each of at most
 * the 16 tasks a join reads at a time, each task bringing its bounded replay), so the reads hold no
 * more in memory than as many joins reading on their own could. When 1,024 wait already, a join reads
 * on a thread of its own rather than being refused: its client has been told it joined.
 */
final class HistoryReads implements AutoCloseable {
    private static final GroupCommit.Settings SETTINGS = new GroupCommit.Settings("hub-task-history", 2, 8, 1024);

    private final Database database;
    private final TaskLimits limits;
    private final GroupCommit<List<String>, List<TaskHistory>> batches;

    HistoryReads(Database database, TaskLimits limits) {
        this.database = database;
        this.limits = limits;
        this.batches = new GroupCommit<>(SETTINGS, this::read);
    }

    /** The batching, for its totals. */
    GroupCommit<?, ?> batches() {
        return batches;
    }

    /**
     * Each of these tasks that exists, in the order asked, read with the other joins waiting; when 1,024
     * wait already, read alone on {@code aloneOn}. The answer comes on the thread that read it.
     */
    CompletionStage<List<TaskHistory>> of(List<String> taskIds, Executor aloneOn) {
        return taskIds.isEmpty()
                ? CompletableFuture.completedStage(List.of())
                : batches.submitAsync(taskIds, alone -> inOrder(alone, read(alone)), aloneOn);
    }

    private void read(List<Pending<List<String>, List<TaskHistory>>> batch) {
        Set<String> wanted = new LinkedHashSet<>();
        batch.forEach(pending -> wanted.addAll(pending.request()));
        Map<String, TaskHistory> byTask = read(wanted);
        batch.forEach(pending -> pending.answer().complete(inOrder(pending.request(), byTask)));
    }

    private Map<String, TaskHistory> read(Collection<String> taskIds) {
        Map<String, TaskHistory> byTask = new HashMap<>();
        for (TaskHistory history : database.lookup(tx -> tx.list(
                TaskSql.TASK_WITH_LOGS,
                TaskSql.TASK_AND_LOGS,
                limits.replayLogs(),
                limits.replayLogBytes(),
                taskIds.toArray(String[]::new)))) {
            byTask.put(history.task().taskId(), history);
        }
        return byTask;
    }

    /** The tasks asked for that exist, in the order asked. */
    private static List<TaskHistory> inOrder(List<String> taskIds, Map<String, TaskHistory> byTask) {
        return taskIds.stream().map(byTask::get).filter(Objects::nonNull).toList();
    }

    /** Stops reading; joins still waiting are refused with 503. */
    @Override
    public void close() {
        batches.close();
    }
}
