package io.aihub.store.task;

import io.aihub.protocol.ApiError;
import io.aihub.protocol.Envelopes.CreatedTask;
import io.aihub.protocol.StepRecord;
import io.aihub.store.batch.GroupCommit;
import io.aihub.store.batch.GroupCommit.Pending;
import io.aihub.store.jdbc.Database;
import io.aihub.store.jdbc.Pipeline;
import io.aihub.store.outbox.Announcements;
import io.aihub.store.outbox.TaskGates;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * The two writes every task's lifecycle makes, creating the task and updating its steps, share one
 * group commit ({@link GroupCommit}): the creations and updates that arrive together are written in one
 * transaction, with one append of all their events, one {@code NOTIFY} and one commit. The transaction's
 * first statements go together, in one round trip ({@link Pipeline}): the gates of the updated steps'
 * tasks ({@link TaskGates}, before any write), the creations ({@link TaskIntake}), and the lock, write
 * and completion of the updated steps and tasks ({@link StepChanges}); then the events go with the
 * commit ({@link Announcements#appendAndCommit}). Two round trips for a batch of creations and of
 * updates that complete a task's last step; more for creations with idempotency keys ({@link
 * TaskIntake}), a task's later updates in the batch and the follow-ups of other updates ({@link
 * StepChanges}). A failure of the first statements blames no request (the batch is written again, one
 * request per transaction).
 *
 * <p>One transaction rather than one of each kind: PostgreSQL commits notifying transactions one at a
 * time anyway, so a second writer bought no parallel commit, only a second commit, append and wake-up
 * per round; and the dispatcher no longer waits for one lifecycle writer's transaction to end before it
 * delivers the other's events (docs/realtime-benchmarks.md). The price: a creation now also waits for
 * the batch's task gates, which another transaction writing about one of those tasks (a log line, a step
 * creation) may hold for the length of that transaction. A request refused with an {@link ApiError} (a 404, or a 409 for a
 * change the transition table does not allow) has written nothing and gets its refusal alone; any other
 * failure is {@link GroupCommit}'s rule to handle.
 */
public final class LifecycleWrites implements AutoCloseable {
    /** One batch written at a time, of 128 writes at most; 2,048 may wait before new ones are refused. */
    private static final GroupCommit.Settings SETTINGS = new GroupCommit.Settings("hub-lifecycle-writes", 1, 128, 2048);

    /** A write that joins a batch: a task to create, or a step update. */
    sealed interface Write permits TaskIntake.Request, StepChange {}

    private final Database database;
    private final InstantSource clock;
    private final GroupCommit<Write, Object> batches;

    public LifecycleWrites(Database database, InstantSource clock) {
        this.database = database;
        this.clock = clock;
        this.batches = new GroupCommit<>(SETTINGS, this::write);
    }

    /** The group commit, for its totals. */
    public GroupCommit<?, ?> batches() {
        return batches;
    }

    /**
     * Creates the task with the next batch: the task (or, for a key used before, the first answer), or
     * the refusal meant for this request, once that batch has committed (completed on the writer's thread).
     */
    @SuppressWarnings("unchecked") // the writer answers a creation with what TaskIntake.answer gave it
    CompletionStage<Idempotent<CreatedTask>> create(TaskIntake.Request request) {
        return batches.submitAsync(request).thenApply(answer -> (Idempotent<CreatedTask>) answer);
    }

    /** Applies {@code change} with the next batch: the step once that batch has committed (on the writer's thread). */
    CompletionStage<StepRecord> update(StepChange change) {
        return batches.submitAsync(change).thenApply(StepRecord.class::cast);
    }

    private void write(List<Pending<Write, Object>> batch) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        List<TaskIntake.Request> creations = new ArrayList<>();
        List<Integer> creationIndexes = new ArrayList<>(); // each creation's place in the batch
        List<StepChange> changes = new ArrayList<>();
        List<Integer> changeIndexes = new ArrayList<>(); // each change's place in the batch
        for (int i = 0; i < batch.size(); i++) {
            switch (batch.get(i).request()) {
                case TaskIntake.Request creation -> {
                    creations.add(creation);
                    creationIndexes.add(i);
                }
                case StepChange change -> {
                    changes.add(change);
                    changeIndexes.add(i);
                }
            }
        }
        record Outcome(TaskIntake.Written written, List<Object> updated) {}
        Outcome outcome = database.transaction(tx -> {
            Pipeline first = tx.pipeline(); // what needs no answer from the database first: one round trip
            if (!changes.isEmpty()) {
                TaskGates.enter(first, changes.stream().map(StepChange::taskId).toList());
            }
            TaskIntake.Planned intake = creations.isEmpty() ? null : TaskIntake.plan(first, creations, now);
            StepChanges.Planned planned = changes.isEmpty() ? null : StepChanges.plan(first, changes);
            first.run();
            Announcements announced = new Announcements();
            TaskIntake.Written written; // each part blames a request by its place in the part; name it in the batch
            try {
                written = intake == null ? null : TaskIntake.write(tx, intake, announced);
            } catch (GroupCommit.Refused refused) {
                throw refused.placedAt(creationIndexes);
            }
            List<Object> updated; // a StepRecord, or its refusal
            try {
                updated = planned == null ? List.of() : StepChanges.apply(tx, planned, announced);
            } catch (GroupCommit.Refused refused) {
                throw refused.placedAt(changeIndexes);
            }
            announced.appendAndCommit(tx);
            return new Outcome(written, updated);
        });
        // Committed: from here on a failure answers its own request, never has the batch written again.
        int change = 0;
        for (Pending<Write, Object> pending : batch) {
            try {
                Object answer = switch (pending.request()) {
                    case TaskIntake.Request creation -> TaskIntake.answer(creation, outcome.written());
                    case StepChange ignored -> outcome.updated().get(change++);
                };
                if (answer instanceof ApiError refused) {
                    pending.answer().completeExceptionally(refused);
                } else {
                    pending.answer().complete(answer);
                }
            } catch (RuntimeException bug) {
                pending.answer().completeExceptionally(bug);
            }
        }
    }

    /** Stops taking writes: a batch being written is finished, those still waiting are refused with 503. */
    @Override
    public void close() {
        batches.close();
    }
}
