package io.aihub.store.work;

import io.aihub.protocol.ApiError;
import io.aihub.protocol.Envelopes.CreatedTask;
import io.aihub.protocol.Ids;
import io.aihub.protocol.ProtocolEvent;
import io.aihub.protocol.Status;
import io.aihub.protocol.StepRecord;
import io.aihub.protocol.TaskRecord;
import io.aihub.store.Batches;
import io.aihub.store.Database;
import io.aihub.store.Tx;
import java.sql.SQLException;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Creates tasks in batches (group commit). Requests that arrive while a batch is being written go
 * together into the next one: one transaction of three statements (the tasks, their init steps, their
 * events with the wake-up) however many they are, so PostgreSQL's cost per task falls as load rises.
 * A lone request is a batch of one and waits at most for the batch in progress. A batch the database
 * refuses as a whole (a value it cannot store) is written again one request at a time, so each caller
 * gets its own answer. Every task a batch writes is new, so no other transaction can write to one of
 * them before the batch commits, and the batch needs no gate ({@link TaskGates}) to keep each task's
 * events in order.
 */
final class TaskIntake implements AutoCloseable {
    /** Batches written at once: each holds one connection while it is written. */
    private static final int WRITERS = 2;
    private static final int MAX_BATCH = 64;

    /** A task to create; its ids are chosen up front so that a batch written again creates the same task. */
    record Request(String taskId, String stepId, String did, String user, String name, String query,
                   String params, String additional, String artifacts, CompletableFuture<CreatedTask> answer)
            implements Batches.Request<CreatedTask> {
    }

    private final Database database;
    private final InstantSource clock;
    private final Batches<Request> batches;

    TaskIntake(Database database, InstantSource clock) {
        this.database = database;
        this.clock = clock;
        this.batches = new Batches<>("hub-task-intake", WRITERS, MAX_BATCH, this::write);
    }

    /** Creates the task with the next batch and returns it, or throws the refusal meant for this request. */
    CreatedTask create(String did, String user, String name, String query, String params, String additional,
                       String artifacts) {
        Request request = new Request(Ids.newTaskId(), Ids.newStepId(), did, user, name, query, params, additional,
                artifacts, new CompletableFuture<>());
        return batches.submit(request, request.answer());
    }

    private void write(List<Request> batch) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        Map<String, CreatedTask> created;
        try {
            created = database.transaction(tx -> insert(tx, batch, now));
        } catch (RuntimeException refused) {
            boolean databaseAway = refused instanceof ApiError error && error.kind() == ApiError.Kind.UNAVAILABLE;
            if (batch.size() == 1 || databaseAway) {
                batch.forEach(request -> request.answer().completeExceptionally(refused));
            } else {
                batch.forEach(request -> write(List.of(request)));
            }
            return;
        }
        for (Request request : batch) {
            CreatedTask task = created.get(request.taskId());
            if (task != null) {
                request.answer().complete(task);
            } else {
                request.answer().completeExceptionally(ApiError.notFound("agent", request.did()));
            }
        }
    }

    /** Writes a batch: tasks of unknown agents are left out (and answered 404 by the caller). */
    private static Map<String, CreatedTask> insert(Tx tx, List<Request> batch, Instant now) throws SQLException {
        List<TaskRecord> tasks = tx.list(TaskSql.TASK_INSERT_MANY, TaskSql.TASK, now, now,
                column(batch, Request::taskId), column(batch, Request::did), column(batch, Request::user),
                column(batch, Request::name), column(batch, Request::query), column(batch, Request::params),
                column(batch, Request::additional), column(batch, Request::artifacts));
        Map<String, Request> byTask = new HashMap<>();
        batch.forEach(request -> byTask.put(request.taskId(), request));
        List<StepRows.Row> inits = tasks.stream().map(task -> {
            Request request = byTask.get(task.taskId());
            return new StepRows.Row(request.stepId(), Status.Pending, TaskStore.FIRST_STEP_NAME, 1, null, false,
                    task.inputQuery(), request.params(), request.additional(), request.artifacts(), 0L);
        }).toList();
        List<StepRecord> steps = tasks.isEmpty() ? List.of() : StepRows.insert(tx, tasks, inits, now);
        Announcements announced = Announcements.in(tx);
        Map<String, CreatedTask> created = new HashMap<>();
        for (int i = 0; i < tasks.size(); i++) {
            announced.add(now, ProtocolEvent.STEP_UPDATED, tasks.get(i), steps.get(i));
            created.put(tasks.get(i).taskId(), new CreatedTask(tasks.get(i), List.of(steps.get(i))));
        }
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
