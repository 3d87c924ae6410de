package io.aihub.store.task;

import io.aihub.protocol.ApiError;
import io.aihub.protocol.Envelopes.CreatedTask;
import io.aihub.protocol.ProtocolEvent;
import io.aihub.protocol.StepRecord;
import io.aihub.protocol.TaskRecord;
import io.aihub.store.batch.GroupCommit;
import io.aihub.store.jdbc.Database;
import io.aihub.store.jdbc.JsonColumns;
import io.aihub.store.jdbc.Pipeline;
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
 * The task creations of a {@link LifecycleWrites} batch: two statements (the tasks, their init steps)
 * however many tasks arrive together, so PostgreSQL's cost per task falls as load rises. Without
 * idempotency keys they go in the batch's first pipeline, with its other first statements
 * ({@link #plan}); with keys, the keys are claimed first, which decides which requests write. Every
 * task a batch writes is new: no other transaction can write to one of them before the batch commits,
 * so creations need no task gate.
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
     * A batch's creations: the rows of the statements added to the batch's first pipeline (null when
     * some request has an idempotency key, and they are written after it).
     */
    record Planned(List<Request> requests, Instant now, Inserted inserted) {}

    /** The two statements that insert tasks and their init steps, added to a pipeline. */
    private record Inserted(Pipeline.Rows<TaskRecord> tasks, Pipeline.Rows<StepRecord> steps) {}

    /** Adds the creations' inserts to the batch's first pipeline when no request has an idempotency key. */
    static Planned plan(Pipeline first, List<Request> requests, Instant now) {
        boolean keyed = requests.stream().anyMatch(request -> request.idempotency() != null);
        return new Planned(requests, now, keyed ? null : insert(first, requests, now));
    }

    /**
     * The batch's transaction, once its first pipeline has run: what the creations wrote, with their
     * events added to {@code announced}. For keyed requests it claims the keys (a key twice in the batch,
     * or one held by another transaction, makes that request a duplicate: it writes nothing), writes the
     * tasks, stores the answers of the keys it claimed (or lets go of those whose agent does not exist),
     * and reads the answers stored for the duplicates. A failure is blamed on the request when it was
     * written alone ({@link GroupCommit.Refused#ifAlone}).
     */
    static Written write(Tx tx, Planned planned, Announcements announced) {
        List<Request> requests = planned.requests();
        try {
            if (planned.inserted() != null) {
                return new Written(
                        created(planned.inserted(), planned.now(), announced), Set.copyOf(requests), Map.of());
            }
            return writeKeyed(tx, requests, planned.now(), announced);
        } catch (SQLException failed) {
            throw GroupCommit.Refused.ifAlone(requests.size(), Database.translate(failed));
        } catch (RuntimeException failed) {
            throw GroupCommit.Refused.ifAlone(requests.size(), failed);
        }
    }

    private static Written writeKeyed(Tx tx, List<Request> requests, Instant now, Announcements announced)
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
        Map<String, CreatedTask> created = Map.of();
        if (!writers.isEmpty()) {
            Pipeline inserts = tx.pipeline();
            Inserted inserted = insert(inserts, List.copyOf(writers), now);
            inserts.run();
            created = created(inserted, now, announced);
        }
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

    /**
     * Adds the inserts of these requests' tasks and init steps to {@code pipeline}: tasks of unknown
     * agents are left out (and answered 404), and so are their steps.
     */
    private static Inserted insert(Pipeline pipeline, List<Request> batch, Instant now) {
        Pipeline.Rows<TaskRecord> tasks = pipeline.add(
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
        Pipeline.Rows<StepRecord> steps = pipeline.add(
                StepSql.STEP_INSERT_FIRST_MANY,
                StepSql.STEP,
                StepRows.INIT_STEP_NAME,
                column(batch, Request::taskId),
                column(batch, Request::stepId));
        return new Inserted(tasks, steps);
    }

    /** The tasks the inserts created, each with its init step, by id; their events join {@code announced}. */
    private static Map<String, CreatedTask> created(Inserted inserted, Instant now, Announcements announced) {
        Map<String, StepRecord> stepOf = new HashMap<>();
        inserted.steps().list().forEach(step -> stepOf.put(step.taskId(), step));
        Map<String, CreatedTask> created = new HashMap<>();
        for (TaskRecord task : inserted.tasks().list()) { // in the order the tasks were asked for
            StepRecord init = stepOf.get(task.taskId());
            announced.add(now, ProtocolEvent.STEP_UPDATED, task, init);
            created.put(task.taskId(), new CreatedTask(task, List.of(init)));
        }
        return created;
    }

    private static String[] column(List<Request> batch, Function<Request, String> field) {
        return batch.stream().map(field).toArray(String[]::new);
    }
}
