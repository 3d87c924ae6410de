package io.aihub.store.task;

import io.aihub.protocol.ApiError;
import io.aihub.protocol.StepRecord;
import io.aihub.store.batch.GroupCommit;
import io.aihub.store.batch.GroupCommit.Pending;
import io.aihub.store.jdbc.Database;
import io.aihub.store.outbox.Announcements;
import io.aihub.store.outbox.TaskGates;
import java.util.List;

/**
 * Step updates that arrive together are written in one transaction ({@link GroupCommit}), which first
 * enters the gates of all their tasks ({@link TaskGates}), applies them as a set ({@link StepChanges}),
 * and appends all their events to the outbox in one statement at its end. An update refused with an
 * {@link ApiError} (a 404, or a 409 for a change the transition table does not allow) has written
 * nothing, so it gets its refusal alone and the others go on in the same transaction; any other
 * failure is {@link GroupCommit}'s rule to handle.
 */
final class StepUpdates implements AutoCloseable {
    /** One transaction written at a time, of 64 updates at most (one writer, as for {@link TaskIntake}). */
    private static final GroupCommit.Settings SETTINGS = new GroupCommit.Settings("hub-step-updates", 1, 64, 1024);

    private final Database database;
    private final GroupCommit<StepChange, StepRecord> batches;

    StepUpdates(Database database) {
        this.database = database;
        this.batches = new GroupCommit<>(SETTINGS, this::write);
    }

    /** The group commit, for its totals. */
    GroupCommit<?, ?> batches() {
        return batches;
    }

    /** Applies {@code change} in the next transaction and returns the step once that transaction has committed. */
    StepRecord run(StepChange change) {
        return batches.submit(change);
    }

    private void write(List<Pending<StepChange, StepRecord>> batch) {
        List<StepChange> changes = batch.stream().map(Pending::request).toList();
        List<Object> results = database.transaction(tx -> {
            TaskGates.enter(tx, changes.stream().map(StepChange::taskId).toList());
            Announcements announced = new Announcements();
            List<Object> done = StepChanges.apply(tx, changes, announced); // a StepRecord, or its refusal
            announced.append(tx);
            return done;
        });
        for (int i = 0; i < batch.size(); i++) {
            switch (results.get(i)) {
                case ApiError refused -> batch.get(i).answer().completeExceptionally(refused);
                case StepRecord step -> batch.get(i).answer().complete(step);
                default -> throw new IllegalStateException("neither a step nor a refusal: " + results.get(i));
            }
        }
    }

    /** Stops taking updates; those still waiting are refused with 503. */
    @Override
    public void close() {
        batches.close();
    }
}
