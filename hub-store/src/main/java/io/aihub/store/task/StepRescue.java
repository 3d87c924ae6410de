package io.aihub.store.task;

import io.aihub.protocol.ProtocolEvent;
import io.aihub.protocol.StepRecord;
import io.aihub.protocol.TaskRecord;
import io.aihub.protocol.TaskUpdated;
import io.aihub.store.jdbc.Database;
import io.aihub.store.jdbc.RowMapper;
import io.aihub.store.jdbc.Tx;
import io.aihub.store.outbox.Announcements;
import io.aihub.store.outbox.TaskGates;
import java.sql.SQLException;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

/**
 * Rescues steps whose lease expired: a Pending or In_Progress step that its agent's owner has not updated
 * for its lease is handed out again (Pending, {@code retries} + 1, announced as {@code step-updated}, as
 * for a new pending step, so subscribed workers pick it up), or, on its last attempt, failed, which fails
 * its task. One sweep is one transaction, taken by one node at a time; it enters the gates of the tasks
 * it rescues, and changes only steps nobody updated since it found them due, so each expired lease is
 * rescued once however many nodes sweep.
 */
public final class StepRescue {
    /** Steps one sweep takes at most; more wait for the next. */
    private static final int PER_SWEEP = 500;

    private record Due(
            String stepId,
            String taskId,
            String did,
            String owner,
            int retries,
            Instant updatedAt,
            long leaseSeconds,
            int maxAttempts) {}

    private static final RowMapper<Due> DUE = row -> new Due(
            row.getString("step_id"),
            row.getString("task_id"),
            row.getString("did"),
            row.getString("owner"),
            row.getInt("retries"),
            Tx.instant(row, "updated_at"),
            row.getLong("lease_seconds"),
            row.getInt("max_attempts"));

    /** What one sweep did. */
    public record Swept(int handedOutAgain, int failed) {
        public static final Swept NOTHING = new Swept(0, 0);
    }

    private final Database database;
    private final InstantSource clock;
    private final StepLeases leases;

    public StepRescue(Database database, InstantSource clock, StepLeases leases) {
        this.database = database;
        this.clock = clock;
        this.leases = leases;
    }

    /** One sweep: hands out again, or fails, the steps whose lease has expired now; nothing if another node is sweeping. */
    public Swept sweep() {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        return database.transaction(tx -> {
            if (!tx.one(StepSql.STEP_RESCUE_TAKE_TURN, row -> row.getBoolean(1)).orElse(false)) {
                return Swept.NOTHING;
            }
            long hubLease = leases.lease().toSeconds();
            long shortest = tx.one(StepSql.STEP_SHORTEST_LEASE, RowMapper.COUNT, hubLease)
                    .orElse(hubLease);
            List<Due> due = tx.list(
                    StepSql.STEP_LIST_DUE,
                    DUE,
                    hubLease,
                    leases.maxAttempts(),
                    now.minusSeconds(shortest),
                    now,
                    hubLease,
                    PER_SWEEP);
            if (due.isEmpty()) {
                return Swept.NOTHING;
            }
            TaskGates.enter(tx, due.stream().map(Due::taskId).toList());
            Announcements announced = new Announcements();
            int handedOut = 0;
            int failed = 0;
            for (Due step : due) {
                if (step.retries() + 1 >= step.maxAttempts()) {
                    failed += failLastAttempt(tx, step, now, announced) ? 1 : 0;
                } else {
                    Optional<StepRecord> again =
                            tx.one(StepSql.STEP_HAND_OUT_AGAIN, StepSql.STEP, now, step.stepId(), step.updatedAt());
                    again.ifPresent(pending -> {
                        announced.add(
                                now, ProtocolEvent.STEP_UPDATED, step.taskId(), step.did(), step.owner(), pending);
                        announced.add(
                                now, ProtocolEvent.STEP_CHANGED, step.taskId(), step.did(), step.owner(), pending);
                    });
                    handedOut += again.isPresent() ? 1 : 0;
                }
            }
            announced.appendAndCommit(tx);
            return new Swept(handedOut, failed);
        });
    }

    private static boolean failLastAttempt(Tx tx, Due step, Instant now, Announcements announced) throws SQLException {
        String reason = "no worker finished step '" + step.stepId() + "' within its lease of " + step.leaseSeconds()
                + " s, in " + step.maxAttempts() + " attempts";
        Optional<StepRecord> failed =
                tx.one(StepSql.STEP_FAIL_LAST_ATTEMPT, StepSql.STEP, reason, now, step.stepId(), step.updatedAt());
        if (failed.isEmpty()) {
            return false;
        }
        Optional<TaskRecord> task = TaskEnding.fail(tx, step.taskId(), reason, "closed: " + reason, now);
        task.ifPresent(ended -> announced.add(now, ProtocolEvent.TASK_UPDATED, ended, TaskUpdated.of(ended)));
        return true;
    }
}
