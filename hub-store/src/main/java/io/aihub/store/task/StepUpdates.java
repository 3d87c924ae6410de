package io.aihub.store.task;

import io.aihub.protocol.ApiError;
import io.aihub.protocol.StepRecord;
import io.aihub.store.batch.GroupCommit;
import io.aihub.store.batch.GroupCommit.Pending;
import io.aihub.store.jdbc.Database;
import io.aihub.store.jdbc.Tx;
import io.aihub.store.outbox.Announcements;
import io.aihub.store.outbox.TaskGates;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Step updates that arrive together run one after another, in arrival order, in one transaction
 * ({@link GroupCommit}). The transaction first enters the gates of all their tasks ({@link TaskGates}),
 * and appends all their events to the outbox in one statement at its end. An update refused with an
 * {@link ApiError} (a 404, or a 409 for a change the transition table does not allow) has written
 * nothing, so it gets its refusal alone and the others go on in the same transaction; any other
 * failure is {@link GroupCommit}'s rule to handle.
 */
final class StepUpdates implements AutoCloseable {
    /** Two transactions written at once; 64 updates at most per transaction. */
    private static final GroupCommit.Settings SETTINGS = new GroupCommit.Settings("hub-step-updates", 2, 64, 1024);

    /**
     * One update: its work, given the batch's transaction and its announcements. It throws an
     * {@link ApiError} only before it has written anything.
     */
    @FunctionalInterface
    interface Work {
        StepRecord run(Tx tx, Announcements announced) throws SQLException;
    }

    record Update(String taskId, Work work) {}

    private final Database database;
    private final GroupCommit<Update, StepRecord> batches;

    StepUpdates(Database database) {
        this.database = database;
        this.batches = new GroupCommit<>(SETTINGS, this::write);
    }

    /** The group commit, for its totals. */
    GroupCommit<?, ?> batches() {
        return batches;
    }

    /** Runs {@code work} in the next transaction and returns its result once that transaction has committed. */
    StepRecord run(String taskId, Work work) {
        return batches.submit(new Update(taskId, work));
    }

    private void write(List<Pending<Update, StepRecord>> batch) {
        List<Object> results = database.transaction(tx -> {
            TaskGates.enter(
                    tx,
                    batch.stream().map(pending -> pending.request().taskId()).toList());
            Announcements announced = new Announcements();
            List<Object> done = new ArrayList<>(batch.size()); // a StepRecord, or the ApiError refusing it
            for (int i = 0; i < batch.size(); i++) {
                try {
                    done.add(batch.get(i).request().work().run(tx, announced));
                } catch (ApiError refused) {
                    done.add(refused);
                } catch (SQLException refused) {
                    throw new GroupCommit.Refused(i, Database.translate(refused));
                } catch (RuntimeException refused) {
                    throw new GroupCommit.Refused(i, refused);
                }
            }
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
