package io.aihub.store;

import io.aihub.protocol.ApiError;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Group commit for units of work that each write about one key (a task). Units that arrive while a
 * transaction is being written run together, one after another in arrival order, in the next one: one
 * COMMIT and one WAL flush for all of them. Each transaction first runs {@code opening} with the keys
 * of its units, before any unit.
 *
 * <p>When a unit fails (an {@link ApiError} such as a 404, or a value the database refuses), the
 * transaction rolls back, that unit gets its own answer, and the others run again together in a new
 * transaction: one bad request costs its batch one retry, not one transaction per unit. If a unit of
 * that retry fails too, it gets its answer and the rest run one per transaction, so however many bad
 * requests share a batch, no other unit runs more than three times. A unit's refusal must not depend
 * on the other units of its batch. When the connection to the database is lost every unit gets the 503
 * at once (a statement refused with a 503 of its own, such as a deadlock, fails only its unit); when
 * the transaction fails outside any unit (its opening or its commit), the units run again one per
 * transaction, so each caller gets its own answer.
 */
public final class GroupCommit implements AutoCloseable {
    /** What a transaction does before its units, given their keys. */
    @FunctionalInterface
    public interface Opening {
        void open(Tx tx, List<String> keys) throws SQLException;
    }

    private record Unit<T>(String key, Work<T> work, CompletableFuture<T> answer) implements Batches.Request<T> {
        /** Completes with what {@code work} returned (so of type T). */
        @SuppressWarnings("unchecked")
        void complete(Object result) {
            answer.complete((T) result);
        }
    }

    private final Database database;
    private final Opening opening;
    private final Batches<Unit<?>> batches;

    /**
     * @param name     the writer threads' name prefix
     * @param threads  how many transactions may be written at once
     * @param maxBatch the most units one transaction takes
     * @param opening  runs first in every transaction, with the keys of its units
     */
    public GroupCommit(Database database, String name, int threads, int maxBatch, Opening opening) {
        this.database = database;
        this.opening = opening;
        this.batches = new Batches<>(name, threads, maxBatch, this::write);
    }

    /** Runs {@code work} in the next transaction and returns its result once that transaction has committed. */
    public <T> T run(String key, Work<T> work) {
        Unit<T> unit = new Unit<>(key, work, new CompletableFuture<>());
        return batches.submit(unit, unit.answer());
    }

    private void write(List<Unit<?>> batch) {
        write(batch, false);
    }

    private void write(List<Unit<?>> batch, boolean retried) {
        Object[] results = new Object[batch.size()];
        int[] failedUnit = {-1};
        try {
            database.transaction(tx -> {
                opening.open(tx, batch.stream().map(Unit::key).toList());
                for (int i = 0; i < batch.size(); i++) {
                    failedUnit[0] = i;
                    results[i] = batch.get(i).work().run(tx);
                }
                failedUnit[0] = -1;
                return null;
            });
        } catch (RuntimeException failure) {
            retry(batch, failure, failedUnit[0], retried);
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).complete(results[i]);
        }
    }

    /**
     * After {@code failure} rolled the batch back: answers the unit it came from and runs the rest again,
     * together the first time, one per transaction after that.
     */
    private void retry(List<Unit<?>> batch, RuntimeException failure, int failedUnit, boolean retried) {
        if (batch.size() == 1 || Database.lostConnection(failure)) {
            batch.forEach(unit -> unit.answer().completeExceptionally(failure));
            return;
        }
        List<Unit<?>> rest = new ArrayList<>(batch);
        if (failedUnit >= 0) {
            batch.get(failedUnit).answer().completeExceptionally(failure);
            rest.remove(failedUnit);
            if (!retried) {
                write(rest, true);
                return;
            }
        }
        for (Unit<?> unit : rest) {
            write(List.of(unit));
            if (unit.answer().isCompletedExceptionally() && Database.lostConnection(unit.answer().exceptionNow())) {
                Throwable lost = unit.answer().exceptionNow(); // the database went away: the rest would wait in turn
                batch.forEach(left -> left.answer().completeExceptionally(lost));
                return;
            }
        }
    }

    /** Units waiting for a transaction (for tests). */
    int queued() {
        return batches.queued();
    }

    /** Stops taking units; those still waiting are refused with 503. */
    @Override
    public void close() {
        batches.close();
    }
}
