package io.aihub.store.task;

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
 * and appends all their events to the outbox in one statement at its end. When an update is refused,
 * {@link GroupCommit}'s rule decides what happens to the others.
 */
final class StepUpdates implements AutoCloseable {
    /** Two transactions written at once; 64 updates at most per transaction. */
    private static final GroupCommit.Settings SETTINGS = new GroupCommit.Settings("hub-step-updates", 2, 64, 1024);

    /** One update: its work, given the batch's transaction and its announcements. */
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

    /** Runs {@code work} in the next transaction and returns its result once that transaction has committed. */
    StepRecord run(String taskId, Work work) {
        return batches.submit(new Update(taskId, work));
    }

    private void write(List<Pending<Update, StepRecord>> batch) {
        List<StepRecord> results = database.transaction(tx -> {
            TaskGates.enter(
                    tx,
                    batch.stream().map(pending -> pending.request().taskId()).toList());
            Announcements announced = new Announcements();
            List<StepRecord> done = new ArrayList<>(batch.size());
            for (int i = 0; i < batch.size(); i++) {
                try {
                    done.add(batch.get(i).request().work().run(tx, announced));
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
            batch.get(i).answer().complete(results.get(i));
        }
    }

    /** Stops taking updates; those still waiting are refused with 503. */
    @Override
    public void close() {
        batches.close();
    }
}
