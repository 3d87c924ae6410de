package io.aihub.store.task;

import io.aihub.store.batch.GroupCommit;
import io.aihub.store.batch.GroupCommit.Pending;
import io.aihub.store.jdbc.Database;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Reads what sockets joining task rooms are told first ({@link TaskHistory}) for all the joins that
 * arrive together in one statement, through the same batching as the writes ({@link GroupCommit}): a
 * subscriber joins every task it creates, so at load this read was the one statement of a lifecycle
 * that each lifecycle ran alone. A lone join waits at most for the read in progress. At most 8 joins
 * share a read (each asks for at most a few tasks, each task bringing its bounded replay), so a read
 * holds no more in memory than the joins it serves did when each read on its own.
 */
final class HistoryReads implements AutoCloseable {
    private static final GroupCommit.Settings SETTINGS = new GroupCommit.Settings("hub-task-history", 1, 8, 1024);

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

    /** Each of these tasks that exists, in the order asked, read with the other joins waiting. */
    List<TaskHistory> of(List<String> taskIds) {
        return taskIds.isEmpty() ? List.of() : batches.submit(taskIds);
    }

    private void read(List<Pending<List<String>, List<TaskHistory>>> batch) {
        Set<String> wanted = new LinkedHashSet<>();
        batch.forEach(pending -> wanted.addAll(pending.request()));
        Map<String, TaskHistory> byTask = new HashMap<>();
        for (TaskHistory history : database.lookup(tx -> tx.list(
                TaskSql.TASK_WITH_LOGS,
                TaskSql.TASK_AND_LOGS,
                limits.replayLogs(),
                limits.replayLogBytes(),
                wanted.toArray(String[]::new)))) {
            byTask.put(history.task().taskId(), history);
        }
        for (Pending<List<String>, List<TaskHistory>> pending : batch) {
            pending.answer()
                    .complete(pending.request().stream()
                            .map(byTask::get)
                            .filter(Objects::nonNull)
                            .toList());
        }
    }

    /** Stops reading; joins still waiting are refused with 503. */
    @Override
    public void close() {
        batches.close();
    }
}
