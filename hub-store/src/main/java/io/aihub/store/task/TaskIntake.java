package io.aihub.store.task;

import io.aihub.protocol.ApiError;
import io.aihub.protocol.Envelopes.CreatedTask;
import io.aihub.protocol.ProtocolEvent;
import io.aihub.protocol.StepRecord;
import io.aihub.protocol.TaskRecord;
import io.aihub.store.batch.GroupCommit;
import io.aihub.store.jdbc.Database;
import io.aihub.store.jdbc.JsonColumns;
import io.aihub.store.jdbc.Tx;
import io.aihub.store.outbox.Announcements;
import java.sql.SQLException;
import java.time.Instant;
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
 * The task creations of a {@link LifecycleWrites} batch: three statements (the tasks, their init steps,
 * their events) however many tasks arrive together, so PostgreSQL's cost per task falls as load rises.
 * Every task a batch writes is new: no other transaction can write to one of them before the batch
 * commits, so creations need no task gate.
 */
final class TaskIntake {
    private TaskIntake() {}

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
            IdempotencyKey idempotency)
            implements LifecycleWrites.Write {}

    /** What a batch's transaction wrote, and the answers it found stored for its duplicates. */
    record Written(
            Map<String, CreatedTask> created,
            Set<Request> writers,
            Map<IdempotencyKeys.Ref, IdempotencyKeys.Stored> stored) {}

    /**
     * The answer of {@code request} once its batch has committed: the task created (or, for a key used
     * before, the first answer), or the {@link ApiError} that refused it.
     */
    static Object answer(Request request, Written written) {
        try {
            if (!written.writers().contains(request)) {
                IdempotencyKey key = request.idempotency();
                return IdempotencyKeys.replay(key, written.stored().get(IdempotencyKeys.Ref.of(key)));
            }
            CreatedTask created = written.created().get(request.taskId());
            return created != null ? new Idempotent.Fresh<>(created) : ApiError.notFound("agent", request.did());
        } catch (ApiError refused) {
            return refused;
        }
    }

    /**
     * The batch's transaction: claims the keys of the keyed requests (a key twice in the batch, or one
     * held by another transaction, makes that request a duplicate: it writes nothing), writes the tasks,
     * stores the answers of the keys it claimed (or lets go of those whose agent does not exist), and
     * reads the answers stored for the duplicates. The tasks' events join {@code announced}. A failure
     * is blamed on the request when it was written alone ({@link GroupCommit.Refused#ifAlone}).
     */
    static Written write(Tx tx, List<Request> requests, Instant now, Announcements announced) {
        try {
            return writeTogether(tx, requests, now, announced);
        } catch (SQLException failed) {
            throw GroupCommit.Refused.ifAlone(requests.size(), Database.translate(failed));
        } catch (RuntimeException failed) {
            throw GroupCommit.Refused.ifAlone(requests.size(), failed);
        }
    }

    private static Written writeTogether(Tx tx, List<Request> requests, Instant now, Announcements announced)
            throws SQLException {
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
        Map<String, CreatedTask> created = insert(tx, List.copyOf(writers), now, announced);
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
    private static Map<String, CreatedTask> insert(Tx tx, List<Request> batch, Instant now, Announcements announced)
            throws SQLException {
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
}
