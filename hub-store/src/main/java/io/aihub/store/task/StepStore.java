package io.aihub.store.task;

import io.aihub.protocol.ApiError;
import io.aihub.protocol.Envelopes.CreatedSteps;
import io.aihub.protocol.Envelopes.StepList;
import io.aihub.protocol.Envelopes.StepPage;
import io.aihub.protocol.Ids;
import io.aihub.protocol.NewStep;
import io.aihub.protocol.Paging;
import io.aihub.protocol.ProtocolEvent;
import io.aihub.protocol.Status;
import io.aihub.protocol.StepRecord;
import io.aihub.protocol.StepSearch;
import io.aihub.protocol.StepUpdate;
import io.aihub.protocol.TaskRecord;
import io.aihub.protocol.Transitions;
import io.aihub.store.batch.GroupCommit;
import io.aihub.store.jdbc.Database;
import io.aihub.store.jdbc.JsonColumns;
import io.aihub.store.jdbc.RowMapper;
import io.aihub.store.jdbc.Tx;
import io.aihub.store.outbox.Announcements;
import io.aihub.store.outbox.TaskGates;
import java.sql.SQLException;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Steps as an agent's owner creates, updates, lists and searches them. Every write enters the task's
 * gate ({@link TaskGates}) and locks its row first, so writes to one task apply one at a time and its
 * events are appended and delivered in order.
 */
public final class StepStore {
    /** The most steps one create request may carry. */
    public static final int MAX_STEPS_PER_REQUEST = 1000;

    private final Database database;
    private final InstantSource clock;
    private final TaskLimits limits;
    private final LifecycleWrites writes;

    /** @param writes the group commit the updates share with the task creations of {@link TaskStore} */
    public StepStore(Database database, InstantSource clock, TaskLimits limits, LifecycleWrites writes) {
        this.database = database;
        this.clock = clock;
        this.limits = limits;
        this.writes = writes;
    }

    /**
     * Adds steps to a task, defaulting what they leave out: id, predecessor (the latest step by order),
     * order (after the highest) and status (Pending once the predecessor is Completed, else Not_Ready).
     * Steps created Pending are announced.
     */
    public CreatedSteps create(String owner, String did, String taskId, List<NewStep> steps) {
        return switch (create(owner, did, taskId, steps, null)) {
            case Idempotent.Fresh<CreatedSteps> fresh -> fresh.value();
            case Idempotent.Replayed<CreatedSteps> replayed -> throw new IllegalStateException("no key, no replay");
        };
    }

    /**
     * {@link #create(String, String, String, List)}, guarded by an {@code Idempotency-Key} (or null): the
     * same key from the same caller within a day gets the first answer back, and adds no steps again.
     */
    public Idempotent<CreatedSteps> create(
            String owner, String did, String taskId, List<NewStep> steps, IdempotencyKey idempotency) {
        if (steps.isEmpty() || steps.size() > MAX_STEPS_PER_REQUEST) {
            throw ApiError.invalid(
                    "steps", "must hold between 1 and " + MAX_STEPS_PER_REQUEST + " steps, not " + steps.size());
        }
        Instant now = now();
        return database.transaction(tx -> {
            TaskGates.enter(tx, List.of(taskId));
            TaskRecord task = lockOwnedTask(tx, owner, did, taskId);
            if (idempotency != null
                    && IdempotencyKeys.claim(tx, List.of(idempotency), now).isEmpty()) {
                return IdempotencyKeys.<CreatedSteps>replay(
                        idempotency,
                        IdempotencyKeys.find(tx, List.of(idempotency)).get(IdempotencyKeys.Ref.of(idempotency)));
            }
            if (task.taskStatus().isTerminal()) {
                throw ApiError.conflict("task '" + taskId + "' is " + task.taskStatus() + " and takes no new steps");
            }
            List<StepRecord> existing = tx.list(StepSql.STEP_LIST_BY_TASK, StepSql.STEP, taskId, null, null);
            if (existing.size() + steps.size() > limits.maxStepsPerTask()) {
                throw ApiError.conflict("task '" + taskId + "' has " + existing.size() + " steps; " + steps.size()
                        + " more would pass the most a task may have, " + limits.maxStepsPerTask()
                        + " (HUB_MAX_STEPS_PER_TASK)");
            }
            StepChain chain = new StepChain(existing);
            List<StepRows.Row> rows = new ArrayList<>();
            for (int i = 0; i < steps.size(); i++) {
                rows.add(chain.add(steps.get(i), "steps[" + i + "]"));
            }
            List<StepRecord> created;
            try {
                created = StepRows.insert(tx, task, rows, now);
            } catch (SQLException e) {
                if (Database.uniqueViolation(e)) { // a step_id of another task: say no more than that it is taken
                    throw ApiError.conflict("steps: a step_id given is taken already; choose another, or leave"
                            + " step_id out to have one generated");
                }
                throw e;
            }
            Announcements announced = new Announcements();
            for (StepRecord step : created) {
                if (step.stepStatus() == Status.Pending) {
                    announced.add(now, ProtocolEvent.STEP_UPDATED, task, step);
                }
                announced.add(now, ProtocolEvent.STEP_CHANGED, task, step);
            }
            announced.append(tx);
            CreatedSteps answer = new CreatedSteps(taskId, created);
            if (idempotency != null) {
                IdempotencyKeys.answer(
                        tx, List.of(new IdempotencyKeys.Answer(idempotency, 201, JsonColumns.write(answer))));
            }
            return new Idempotent.Fresh<>(answer);
        });
    }

    /**
     * Applies a partial update to a step and drives its task: Completed with an effective
     * {@code is_last} completes the task, Completed otherwise activates the successors, Failed fails
     * the task. An update that says a finished step's status again is answered with the step, unchanged,
     * and announces nothing; one the transition table does not allow, one of a finished task's step, or
     * one for an earlier attempt is refused with 409. Updates that arrive together share one transaction
     * ({@link LifecycleWrites}), which enters all their tasks' gates first; each is answered once it has
     * committed.
     */
    public StepRecord update(String owner, String did, String taskId, String requestedStepId, StepUpdate update) {
        return GroupCommit.await(updateAsync(owner, did, taskId, requestedStepId, update));
    }

    /**
     * {@link #update} without waiting: the step (or the refusal) comes on the lifecycle writer's thread
     * once its batch has committed. A request the store refuses before it is queued (text with a NUL)
     * throws at once.
     */
    public CompletionStage<StepRecord> updateAsync(
            String owner, String did, String taskId, String requestedStepId, StepUpdate update) {
        NulText.refuse(
                taskId,
                requestedStepId,
                update.output(),
                update.outputAdditional(),
                update.outputArtifacts(),
                update.name(),
                update.predecessor(),
                update.inputQuery(),
                update.inputParams(),
                update.inputAdditional(),
                update.inputArtifacts());
        return writes.update(new StepChange(owner, did, taskId, canonical(requestedStepId), update, now()));
    }

    /** Steps of one task by order, for its agent's owner or its creator. */
    public StepList listForTask(String caller, String did, String taskId, Status status) {
        return database.read(tx -> {
            tx.one(TaskSql.TASK_FIND, TaskSql.TASK, taskId)
                    .filter(found -> TaskAccess.of(found).canRead(did, caller))
                    .orElseThrow(() -> ApiError.notFound("task", taskId));
            List<StepRecord> steps = tx.list(StepSql.STEP_LIST_BY_TASK, StepSql.STEP, taskId, status, status);
            return new StepList(steps, steps.size());
        });
    }

    /** Steps of the caller's agents (all, or those DIDs), newest first, at most {@link Paging#MAX_SIZE}. */
    public StepList listOwned(String owner, Status status, List<String> dids) {
        String[] didFilter = dids.isEmpty() ? null : dids.toArray(String[]::new);
        return database.read(tx -> new StepList(
                tx.list(
                        StepSql.STEP_LIST_BY_OWNER,
                        StepSql.STEP,
                        owner,
                        status,
                        status,
                        didFilter,
                        didFilter,
                        Paging.MAX_SIZE),
                tx.one(StepSql.STEP_COUNT_BY_OWNER, RowMapper.COUNT, owner, status, status, didFilter, didFilter)
                        .orElseThrow()));
    }

    /** The caller's steps in {@code status}, of the given agents or (none given) all of them, oldest first, at most {@code limit}. */
    public List<StepRecord> toReplay(String owner, Status status, List<String> dids, int limit) {
        String[] didFilter = dids.isEmpty() ? null : dids.toArray(String[]::new);
        return database.lookup(
                tx -> tx.list(StepSql.STEP_LIST_TO_REPLAY, StepSql.STEP, owner, status, didFilter, didFilter, limit));
    }

    public StepPage search(String owner, StepSearch search) {
        Paging paging = search.paging();
        String stepId = search.stepId() == null ? null : canonical(search.stepId());
        Object[] filter = {
            owner,
            stepId,
            stepId,
            search.taskId(),
            search.taskId(),
            search.did(),
            search.did(),
            search.name(),
            search.name(),
            search.stepStatus(),
            search.stepStatus()
        };
        return database.read(tx -> new StepPage(
                tx.list(StepSql.STEP_SEARCH, StepSql.STEP, Params.append(filter, paging.offset(), paging.skip())),
                tx.one(StepSql.STEP_SEARCH_COUNT, RowMapper.COUNT, filter).orElseThrow(),
                paging.page(),
                paging.offset()));
    }

    /** Recomputes the task's cost and, if {@code start}, starts it. */
    static Optional<TaskRecord> progress(Tx tx, String taskId, boolean start, Instant now) throws SQLException {
        return tx.one(
                TaskSql.TASK_PROGRESS,
                TaskSql.TASK,
                start,
                Status.wire(Transitions.taskSourcesFor(Status.In_Progress)),
                now,
                taskId);
    }

    /**
     * Locks a task of the caller's agent. Its creator may read it but not work on it: a 403 tells them
     * so; anyone else learns nothing (404). The row is locked by id before access is checked (see
     * TaskSql); a caller refused here holds that lock only until the refusal rolls the transaction back.
     */
    private static TaskRecord lockOwnedTask(Tx tx, String owner, String did, String taskId) throws SQLException {
        return workable(
                tx.one(TaskSql.TASK_LOCK, TaskSql.TASK, taskId).orElseThrow(() -> ApiError.notFound("task", taskId)),
                owner,
                did);
    }

    /** The task, if the caller owns its agent {@code did}; else a 403 for its creator, a 404 for anyone else. */
    static TaskRecord workable(TaskRecord task, String owner, String did) {
        TaskAccess.Audience audience = TaskAccess.of(task);
        if (audience.canWork(did, owner)) {
            return task;
        }
        if (audience.canRead(did, owner)) {
            throw ApiError.forbidden("only the owner of agent " + did + " may add or update steps of its tasks");
        }
        throw ApiError.notFound("task", task.taskId());
    }

    /** Step ids are stored in canonical form ({@link Ids#canonicalStepId}); look them up the same way. */
    static String canonical(String stepId) {
        return Objects.requireNonNullElse(Ids.canonicalStepId(stepId), stepId);
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
