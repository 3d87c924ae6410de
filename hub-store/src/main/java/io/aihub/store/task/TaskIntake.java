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
import io.aihub.store.jdbc.JsonColumns;
import io.aihub.store.jdbc.Tx;
import io.aihub.store.outbox.Announcements;
import java.sql.SQLException;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Creates tasks in batches ({@link GroupCommit}): one transaction of three statements (the tasks,
 * their init steps, their events with the wake-up) however many tasks arrive together, so
 * PostgreSQL's cost per task falls as load rises. No request can be blamed for a batch the database
 * refuses as a whole, so it is written again one request at a time. Every task a batch writes is new:
 * no other transaction can write to one of them before the batch commits, so it needs no task gate.
 */
final class TaskIntake implements AutoCloseable {
    /**
     * One batch written at a time, of 64 tasks at most. A second writer gained nothing: the wake-up's
     * {@code NOTIFY} makes PostgreSQL commit notifying transactions one at a time anyway, and two
     * writers only split the waiting requests into smaller batches (docs/realtime-benchmarks.md).
     */
    private static final GroupCommit.Settings SETTINGS = new GroupCommit.Settings("hub-task-intake", 1, 64, 1024);

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
            String artifacts,
            IdempotencyKey idempotency) {}

    /** What a batch's transaction wrote, and the answers it found stored for its duplicates. */
    private record Written(
            Map<String, CreatedTask> created,
            Set<Request> writers,
            Map<IdempotencyKeys.Ref, IdempotencyKeys.Stored> stored) {}

    private final Database database;
    private final InstantSource clock;
    private final GroupCommit<Request, Idempotent<CreatedTask>> batches;

    TaskIntake(Database database, InstantSource clock) {
        this.database = database;
        this.clock = clock;
        this.batches = new GroupCommit<>(SETTINGS, this::write);
    }

    /** The group commit, for its totals. */
    GroupCommit<?, ?> batches() {
        return batches;
    }

    /**
     * Creates the task with the next batch and returns it (or, for a key used before, the first answer),
     * or throws the refusal meant for this request.
     */
    Idempotent<CreatedTask> create(
            String did,
            String user,
            String name,
            String query,
            String params,
            String additional,
            String artifacts,
            IdempotencyKey idempotency) {
        return batches.submit(new Request(
                Ids.newTaskId(), Ids.newStepId(), did, user, name, query, params, additional, artifacts, idempotency));
    }

    private void write(List<Pending<Request, Idempotent<CreatedTask>>> batch) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        List<Request> requests = batch.stream().map(Pending::request).toList();
        Written written = database.transaction(tx -> writeOnce(tx, requests, now));
        for (Pending<Request, Idempotent<CreatedTask>> pending : batch) {
            Request request = pending.request();
            try {
                if (!written.writers().contains(request)) {
                    IdempotencyKey key = request.idempotency();
                    pending.answer()
                            .complete(
                                    IdempotencyKeys.replay(key, written.stored().get(IdempotencyKeys.Ref.of(key))));
                } else if (written.created().containsKey(request.taskId())) {
                    pending.answer()
                            .complete(new Idempotent.Fresh<>(written.created().get(request.taskId())));
                } else {
                    pending.answer().completeExceptionally(ApiError.notFound("agent", request.did()));
                }
            } catch (ApiError refused) {
                pending.answer().completeExceptionally(refused);
            }
        }
    }

    /**
     * The batch's transaction: claims the keys of the keyed requests (a key twice in the batch, or one
     * held by another transaction, makes that request a duplicate: it writes nothing), writes the tasks,
     * stores the answers of the keys it claimed (or lets go of those whose agent does not exist), and
     * reads the answers stored for the duplicates.
     */
    private static Written writeOnce(Tx tx, List<Request> requests, Instant now) throws SQLException {
        Map<IdempotencyKeys.Ref, IdempotencyKey> firstOfEachKey = new LinkedHashMap<>();
        for (Request request : requests) {
            if (request.idempotency() != null) {
                firstOfEachKey.putIfAbsent(IdempotencyKeys.Ref.of(request.idempotency()), request.idempotency());
            }
        }
        Set<IdempotencyKeys.Ref> claimed = IdempotencyKeys.claim(tx, firstOfEachKey.values(), now);
        Set<Request> writers = new LinkedHashSet<>();
        Set<IdempotencyKeys.Ref> taken = new HashSet<>();
        for (Request request : requests) {
            IdempotencyKey key = request.idempotency();
            if (key == null
                    || (claimed.contains(IdempotencyKeys.Ref.of(key)) && taken.add(IdempotencyKeys.Ref.of(key)))) {
                writers.add(request);
            }
        }
        Map<String, CreatedTask> created = insert(tx, List.copyOf(writers), now);
        List<IdempotencyKeys.Answer> answers = new ArrayList<>();
        List<IdempotencyKey> refused = new ArrayList<>();
        for (Request writer : writers) {
            if (writer.idempotency() != null) {
                CreatedTask task = created.get(writer.taskId());
                if (task != null) {
                    answers.add(new IdempotencyKeys.Answer(writer.idempotency(), 201, JsonColumns.write(task)));
                } else {
                    refused.add(writer.idempotency());
                }
            }
        }
        IdempotencyKeys.answer(tx, answers);
        IdempotencyKeys.release(tx, refused);
        List<IdempotencyKey> duplicates = requests.stream()
                .filter(request -> !writers.contains(request))
                .map(Request::idempotency)
                .toList();
        return new Written(created, writers, IdempotencyKeys.find(tx, duplicates));
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
