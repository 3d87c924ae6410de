package io.aihub.store.task;

import io.aihub.protocol.Status;
import io.aihub.protocol.StepRecord;
import io.aihub.protocol.TaskRecord;
import io.aihub.protocol.Transitions;
import io.aihub.store.jdbc.Tx;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/**
 * Ends a task, in the transaction of what ends it (its last step, a failed step, a last attempt, a
 * cancellation): from the statuses the transition table allows, closing its open steps as Failed in the
 * same statement, so that nothing of it is left for a worker. Empty when the task had ended already.
 */
final class TaskEnding {
    /** The output of a step closed because its task completed. */
    static final String CLOSED_BY_COMPLETION = "closed: the task completed first";

    private TaskEnding() {}

    /** Completes the task with its last step's output; its other open steps are closed. */
    static Optional<TaskRecord> complete(Tx tx, String taskId, StepRecord last, Instant now) throws SQLException {
        return tx.one(
                TaskSql.TASK_COMPLETE,
                TaskSql.TASK,
                last.output(),
                last.outputAdditional(),
                last.outputArtifacts(),
                now,
                taskId,
                Status.wire(Transitions.taskSourcesFor(Status.Completed)),
                CLOSED_BY_COMPLETION,
                now);
    }

    /** Fails the task with {@code output}; its open steps are closed with the output {@code closing}. */
    static Optional<TaskRecord> fail(Tx tx, String taskId, String output, String closing, Instant now)
            throws SQLException {
        return tx.one(
                TaskSql.TASK_FAIL,
                TaskSql.TASK,
                output,
                now,
                taskId,
                Status.wire(Transitions.taskSourcesFor(Status.Failed)),
                closing,
                now);
    }
}
