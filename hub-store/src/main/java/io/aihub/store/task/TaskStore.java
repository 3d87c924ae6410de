package io.aihub.store.task;

import io.aihub.protocol.ApiError;
import io.aihub.protocol.Envelopes.CreatedTask;
import io.aihub.protocol.Envelopes.TaskList;
import io.aihub.protocol.Envelopes.TaskPage;
import io.aihub.protocol.Envelopes.TaskWithSteps;
import io.aihub.protocol.Ids;
import io.aihub.protocol.NewTask;
import io.aihub.protocol.Paging;
import io.aihub.protocol.ProtocolEvent;
import io.aihub.protocol.SocketPayloads.NewTaskLog;
import io.aihub.protocol.Status;
import io.aihub.protocol.TaskLogRecord;
import io.aihub.protocol.TaskRecord;
import io.aihub.protocol.TaskSearch;
import io.aihub.protocol.TaskUpdated;
import io.aihub.store.batch.GroupCommit;
import io.aihub.store.jdbc.Database;
import io.aihub.store.jdbc.RowMapper;
import io.aihub.store.jdbc.Tx;
import io.aihub.store.outbox.Announcements;
import io.aihub.store.outbox.TaskGates;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/** Tasks as subscribers submit and read them, and as builders list and search them. */
public final class TaskStore implements AutoCloseable {
    private final Database database;
    private final InstantSource clock;
    private final TaskLimits limits;
    private final LifecycleWrites writes;
    private final HistoryReads historyReads;
    private final TaskAudiences audiences = new TaskAudiences();

    /** @param writes the group commit the creations share with the step updates of {@link StepStore} */
    public TaskStore(Database database, InstantSource clock, TaskLimits limits, LifecycleWrites writes) {
        this.database = database;
        this.clock = clock;
        this.limits = limits;
        this.writes = writes;
        this.historyReads = new HistoryReads(database, limits);
    }

    /**
     * Creates a Pending task and its Pending {@code init} step carrying the query, and announces the
     * step, in one transaction (shared with the other writes that arrive meanwhile: {@link LifecycleWrites}).
     */
    public CreatedTask create(String did, String user, NewTask request) {
        return switch (create(did, user, request, null)) {
            case Idempotent.Fresh<CreatedTask> fresh -> fresh.value();
            case Idempotent.Replayed<CreatedTask> replayed -> throw new IllegalStateException("no key, no replay");
        };
    }

    /**
     * {@link #create(String, String, NewTask)}, guarded by an {@code Idempotency-Key} (or null): the same key
     * from the same caller within a day gets the first answer back, written once however many arrive, on
     * any node.
     */
    public Idempotent<CreatedTask> create(String did, String user, NewTask request, IdempotencyKey idempotency) {
        return GroupCommit.await(createAsync(did, user, request, idempotency));
    }

    /**
     * {@link #create(String, String, NewTask, IdempotencyKey)} without waiting: the answer comes on the
     * lifecycle writer's thread once its batch has committed. A request the store refuses before it is
     * queued (text with a NUL) throws at once.
     */
    public CompletionStage<Idempotent<CreatedTask>> createAsync(
            String did, String user, NewTask request, IdempotencyKey idempotency) {
        NulText.refuse(
                request.name(),
                request.query(),
                request.additionalParams(),
                request.inputAdditional(),
                request.artifacts());
        String params = request.additionalParams() != null
                ? JsonShapes.json(request.additionalParams())
                : JsonShapes.entryArray(request.inputAdditional());
        String additional = request.inputAdditional() != null
                ? JsonShapes.json(request.inputAdditional())
                : JsonShapes.mergedObject(request.additionalParams());
        return writes.create(new TaskIntake.Request(
                        Ids.newTaskId(),
                        Ids.newStepId(),
                        did,
                        user,
                        request.name(),
                        request.query(),
                        params,
                        additional,
                        JsonShapes.array(request.artifacts()),
                        idempotency))
                .thenApply(answer -> {
                    if (answer instanceof Idempotent.Fresh<CreatedTask> fresh) {
                        audiences.remember(TaskAccess.of(fresh.value().task()));
                    }
                    return answer;
                });
    }

    /** The task with its steps (by order) and logs (oldest first), for its creator or its agent's owner. */
    public TaskWithSteps withSteps(String did, String taskId, String caller) {
        return database.read(tx -> {
            TaskRecord task = tx.one(TaskSql.TASK_FIND, TaskSql.TASK, taskId)
                    .filter(found -> TaskAccess.of(found).canRead(did, caller))
                    .orElseThrow(() -> ApiError.notFound("task", taskId));
            return new TaskWithSteps(
                    task,
                    tx.list(StepSql.STEP_LIST_BY_TASK, StepSql.STEP, taskId, null, null),
                    tx.list(LogSql.LOG_LIST_BY_TASK, LogSql.LOG, taskId));
        });
    }

    /**
     * Stores a log line of a task from its agent's owner or its creator, and announces it as
     * {@code task-log} (and as {@code task-updated} when it reports a status). A log never changes the
     * task itself, but enters its gate ({@link TaskGates}) so its events keep their place among the task's.
     */
    public TaskLogRecord appendLog(String caller, NewTaskLog log) {
        int bytes = log.message().getBytes(StandardCharsets.UTF_8).length;
        if (bytes > limits.maxLogBytes()) {
            throw ApiError.invalid(
                    "message",
                    "must be at most " + limits.maxLogBytes() + " bytes of UTF-8 (HUB_MAX_LOG_BYTES), not " + bytes);
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        return database.transaction(tx -> {
            TaskGates.enter(tx, List.of(log.taskId()));
            TaskSql.Logged logged = tx.one(TaskSql.TASK_COUNT_LOG, TaskSql.LOGGED, bytes, log.taskId())
                    .filter(found ->
                            TaskAccess.of(found.task()).canRead(found.task().did(), caller))
                    .orElseThrow(() -> ApiError.notFound("task", log.taskId()));
            TaskRecord task = logged.task();
            if (log.taskStatus() != null && !TaskAccess.of(task).canWork(task.did(), caller)) {
                throw ApiError.forbidden("only the owner of agent " + task.did()
                        + " may report a task_status in a log line; send the line without it");
            }
            if (logged.logBytes() > limits.maxLogBytesPerTask()) {
                throw ApiError.conflict("task '" + task.taskId() + "' holds " + limits.maxLogBytesPerTask()
                        + " bytes of log, the most a task may (HUB_MAX_LOG_BYTES_PER_TASK); this line would pass it");
            }
            if (logged.logCount() > limits.maxLogsPerTask()) {
                throw ApiError.conflict("task '" + task.taskId() + "' holds " + limits.maxLogsPerTask()
                        + " log lines, the most a task may (HUB_MAX_LOGS_PER_TASK)");
            }
            if (log.stepId() != null && TaskAccess.of(task).canWork(task.did(), caller)) { // the worker is alive
                tx.update(StepSql.STEP_RENEW_LEASE, now, canonicalStepId(log.stepId()), task.taskId());
            }
            TaskLogRecord stored = tx.one(
                            LogSql.LOG_INSERT,
                            LogSql.LOG,
                            Ids.newLogId(),
                            task.taskId(),
                            log.stepId(),
                            log.taskStatus(),
                            log.level(),
                            log.message(),
                            now)
                    .orElseThrow();
            Announcements announced = new Announcements();
            announced.add(now, ProtocolEvent.TASK_LOG, task, stored);
            if (stored.taskStatus() != null) {
                announced.add(now, ProtocolEvent.TASK_UPDATED, task, TaskUpdated.of(task, stored));
            }
            announced.appendAndCommit(tx);
            return stored;
        });
    }

    private static String canonicalStepId(String stepId) {
        return Objects.requireNonNullElse(Ids.canonicalStepId(stepId), stepId);
    }

    /**
     * Cancels a task that has not ended, for its creator or its agent's owner: it ends {@code Failed}
     * (the protocol has no other final status) with an output that says who cancelled it, its steps that
     * are still open are closed, and {@code task-updated} is announced. A task that has ended answers 409.
     */
    public TaskRecord cancel(String caller, String did, String taskId) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        return database.transaction(tx -> {
            TaskGates.enter(tx, List.of(taskId));
            TaskRecord task = tx.one(TaskSql.TASK_LOCK, TaskSql.TASK, taskId)
                    .filter(found -> TaskAccess.of(found).canRead(did, caller))
                    .orElseThrow(() -> ApiError.notFound("task", taskId));
            if (task.taskStatus().isTerminal()) {
                throw ApiError.conflict("task '" + taskId + "' is " + task.taskStatus()
                        + " already; only a task that has not ended can be cancelled");
            }
            TaskRecord cancelled = TaskEnding.fail(
                            tx, taskId, "cancelled by " + caller + " at " + now, "closed: the task was cancelled", now)
                    .orElseThrow(() -> ApiError.conflict("task '" + taskId + "' ended meanwhile"));
            Announcements announced = new Announcements();
            announced.add(now, ProtocolEvent.TASK_UPDATED, cancelled, TaskUpdated.of(cancelled));
            announced.appendAndCommit(tx);
            return cancelled;
        });
    }

    /** Which of these task ids the caller created or owns the agent of. */
    public Set<String> visible(String caller, List<String> taskIds) {
        List<TaskAccess.Audience> known = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        for (String taskId : taskIds) {
            audiences.of(taskId).ifPresentOrElse(known::add, () -> unknown.add(taskId));
        }
        if (!unknown.isEmpty()) {
            for (TaskAccess.Audience audience : database.lookup(tx ->
                    tx.list(TaskSql.TASK_AUDIENCE_AMONG, TaskSql.AUDIENCE, (Object) unknown.toArray(String[]::new)))) {
                audiences.remember(audience);
                known.add(audience);
            }
        }
        return readableBy(caller, known);
    }

    /**
     * Which of these task ids the caller created or owns the agent of, when this node remembers who may
     * see each of them (it does for the tasks it created or looked up lately): no database. Empty when
     * one of them would need a lookup ({@link #visible}).
     */
    public Optional<Set<String>> visibleIfRemembered(String caller, List<String> taskIds) {
        List<TaskAccess.Audience> known = new ArrayList<>();
        for (String taskId : taskIds) {
            Optional<TaskAccess.Audience> audience = audiences.of(taskId);
            if (audience.isEmpty()) {
                return Optional.empty();
            }
            known.add(audience.get());
        }
        return Optional.of(readableBy(caller, known));
    }

    private static Set<String> readableBy(String caller, List<TaskAccess.Audience> tasks) {
        Set<String> visible = new HashSet<>();
        for (TaskAccess.Audience task : tasks) {
            if (task.canRead(task.did(), caller)) {
                visible.add(task.taskId());
            }
        }
        return visible;
    }

    /**
     * Each task's latest logs (within {@link TaskLimits#replayLogs()} and {@link TaskLimits#replayLogBytes()}),
     * oldest first, and its current state, in the order asked, for a socket that has joined the tasks'
     * rooms: whatever commits after this read reaches the rooms live. The answer comes on the thread
     * that read it, shared with other joins: what follows it there should be short. When many joins wait
     * already, these tasks are read alone on {@code aloneOn}.
     */
    public CompletionStage<List<TaskHistory>> history(List<String> taskIds, Executor aloneOn) {
        return historyReads.of(taskIds, aloneOn);
    }

    /** The batching of the history reads: how many wait, and what it has read. */
    public GroupCommit<?, ?> historyBatches() {
        return historyReads.batches();
    }

    /** Tasks of the caller's agents, newest first, at most {@link Paging#MAX_SIZE}. */
    public TaskList listOwned(String owner, Status status) {
        return database.read(tx -> new TaskList(
                tx.list(TaskSql.TASK_LIST_BY_OWNER, TaskSql.TASK, owner, status, status, Paging.MAX_SIZE),
                tx.one(TaskSql.TASK_COUNT_BY_OWNER, RowMapper.COUNT, owner, status, status)
                        .orElseThrow()));
    }

    /** How many tasks an agent has in each status, every status present (0 for none). */
    public Map<Status, Long> countsByStatus(String did) {
        Map<Status, Long> counts = new EnumMap<>(Status.class);
        for (Status status : Status.values()) {
            counts.put(status, 0L);
        }
        database.read(tx -> tx.list(
                        TaskSql.TASK_COUNTS_BY_STATUS,
                        row -> Map.entry(Tx.status(row, "task_status"), row.getLong("tasks")),
                        did))
                .forEach(entry -> counts.put(entry.getKey(), entry.getValue()));
        return counts;
    }

    /** Tasks the caller submitted, to any agent, newest first, a page at a time. */
    public TaskPage submitted(String user, Status status, Paging paging) {
        return database.read(tx -> new TaskPage(
                tx.list(TaskSql.TASK_PAGE_BY_USER, TaskSql.TASK, user, status, status, paging.offset(), paging.skip()),
                tx.one(TaskSql.TASK_COUNT_BY_USER, RowMapper.COUNT, user, status, status)
                        .orElseThrow(),
                paging.page(),
                paging.offset()));
    }

    public TaskPage search(String owner, TaskSearch search) {
        Paging paging = search.paging();
        Object[] filter = {
            owner,
            search.did(),
            search.did(),
            search.taskId(),
            search.taskId(),
            search.name(),
            search.name(),
            search.taskStatus(),
            search.taskStatus()
        };
        return database.read(tx -> new TaskPage(
                tx.list(TaskSql.TASK_SEARCH, TaskSql.TASK, Params.append(filter, paging.offset(), paging.skip())),
                tx.one(TaskSql.TASK_SEARCH_COUNT, RowMapper.COUNT, filter).orElseThrow(),
                paging.page(),
                paging.offset()));
    }

    /** Stops the history reads; joins still waiting for one are refused with 503. */
    @Override
    public void close() {
        historyReads.close();
    }
}
