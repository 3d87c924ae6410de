package io.aihub.store.task;

import io.aihub.protocol.ApiError;
import io.aihub.protocol.Envelopes.CreatedTask;
import io.aihub.protocol.Ids;
import io.aihub.protocol.ProtocolEvent;
import io.aihub.protocol.StepRecord;
import io.aihub.protocol.TaskRecord;
import io.aihub.store.batch.GroupCommit;
import io.aihub.store.batch.GroupCommit.Pending;
import io.aihub.store.jdbc.Database;
import io.aihub.store.jdbc.Tx;
import io.aihub.store.outbox.Announcements;
import java.sql.SQLException;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Creates tasks in batches ({@link GroupCommit}): one transaction of three statements (the tasks,
 * their init steps, their events with the wake-up) however many tasks arrive together, so
 * PostgreSQL's cost per task falls as load rises. No request can be blamed for a batch the database
 * refuses as a whole, so it is written again one request at a time. Every task a batch writes is new:
 * no other transaction can write to one of them before the batch commits, so it needs no task gate.
 */
final class TaskIntake implements AutoCloseable {
    /** Two batches written at once, each holding one connection; 64 tasks at most per transaction. */
    private static final GroupCommit.Settings SETTINGS = new GroupCommit.Settings("hub-task-intake", 2, 64, 1024);

    /** A task to create; its ids are chosen up front so that a batch written again creates the same task. */
    record Request(
            String taskId,
            String stepId,
            String did,
            String user,
            String name,
            String query,
            String params,
            String additional,
            String artifacts) {}

    private final Database database;
    private final InstantSource clock;
    private final GroupCommit<Request, CreatedTask> batches;

    TaskIntake(Database database, InstantSource clock) {
        this.database = database;
        this.clock = clock;
        this.batches = new GroupCommit<>(SETTINGS, this::write);
    }

    /** Creates the task with the next batch and returns it, or throws the refusal meant for this request. */
    CreatedTask create(
            String did, String user, String name, String query, String params, String additional, String artifacts) {
        return batches.submit(
                new Request(Ids.newTaskId(), Ids.newStepId(), did, user, name, query, params, additional, artifacts));
    }

    private void write(List<Pending<Request, CreatedTask>> batch) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        List<Request> requests = batch.stream().map(Pending::request).toList();
        Map<String, CreatedTask> created = database.transaction(tx -> insert(tx, requests, now));
        for (Pending<Request, CreatedTask> pending : batch) {
            CreatedTask task = created.get(pending.request().taskId());
            if (task != null) {
                pending.answer().complete(task);
            } else {
                pending.answer()
                        .completeExceptionally(
                                ApiError.notFound("agent", pending.request().did()));
            }
        }
    }

    /** Writes a batch: tasks of unknown agents are left out (and answered 404). */
    private static Map<String, CreatedTask> insert(Tx tx, List<Request> batch, Instant now) throws SQLException {
        List<TaskRecord> tasks = tx.list(
                TaskSql.TASK_INSERT_MANY,
                TaskSql.TASK,
                now,
                now,
                column(batch, Request::taskId),
                column(batch, Request::did),
                column(batch, Request::user),
                column(batch, Request::name),
                column(batch, Request::query),
                column(batch, Request::params),
                column(batch, Request::additional),
                column(batch, Request::artifacts));
        Map<String, Request> byTask = new HashMap<>();
        batch.forEach(request -> byTask.put(request.taskId(), request));
        List<StepRows.Row> inits = tasks.stream()
                .map(task -> {
                    Request request = byTask.get(task.taskId());
                    return StepRows.init(
                            request.stepId(),
                            task.inputQuery(),
                            request.params(),
                            request.additional(),
                            request.artifacts());
                })
                .toList();
        List<StepRecord> steps = tasks.isEmpty() ? List.of() : StepRows.insert(tx, tasks, inits, now);
        Announcements announced = new Announcements();
        Map<String, CreatedTask> created = new HashMap<>();
        for (int i = 0; i < tasks.size(); i++) {
            announced.add(now, ProtocolEvent.STEP_UPDATED, tasks.get(i), steps.get(i));
            created.put(tasks.get(i).taskId(), new CreatedTask(tasks.get(i), List.of(steps.get(i))));
        }
        announced.append(tx);
        return created;
    }

    private static String[] column(List<Request> batch, Function<Request, String> field) {
        return batch.stream().map(field).toArray(String[]::new);
    }

    /** Stops taking requests; those still waiting are refused with 503. */
    @Override
    public void close() {
        batches.close();
    }
}
