package io.aihub.store.work;

import io.aihub.store.Tx;
import java.sql.SQLException;
import java.util.Collection;

/**
 * Keeps each task's events in commit order for the outbox's readers. They deliver by transaction id
 * ({@link EventLog}), and a transaction gets its id at its first write. A transaction that wrote to a
 * task after waiting for another one to commit must therefore not have got its id before that other
 * one: otherwise its events of that task, though later, would be delivered first. That happens when a
 * transaction writes to two existing tasks (a batch of step updates) and waits for the second after
 * writing the first.
 *
 * <p>So every transaction that writes about existing tasks enters their gates first, before any write:
 * a transaction-scoped advisory lock per task, taken in one statement in key order (no deadlocks), which
 * assigns no transaction id. Holding every gate, it then waits for nobody while it writes, and whoever
 * waited at a gate for it gets its id after it committed. Task creations need no gate: nobody else can
 * write a task before its creation commits.
 */
final class TaskGates {
    private TaskGates() {
    }

    /** Waits for and holds the gates of these tasks until the transaction ends. */
    static void enter(Tx tx, Collection<String> taskIds) throws SQLException {
        Integer[] keys = taskIds.stream().map(String::hashCode).distinct().sorted().toArray(Integer[]::new);
        tx.one(TaskSql.TASK_GATES_ENTER, TaskSql.COUNT, (Object) keys);
    }
}
