package io.aihub.store;

import io.aihub.protocol.ApiError;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Group commit for units of work that each lock one task. Units that arrive while a transaction is
 * being written run together, one after another, in the next one: one COMMIT, one WAL flush and one
 * wake-up for all of them. They run in the order of their keys (task ids), so concurrent batches lock
 * tasks in the same order and cannot deadlock. A unit refused with an {@link ApiError} gets its
 * refusal, and the others of its batch, rolled back with it, run again each in its own transaction;
 * after any other failure every unit of the batch runs again alone, so each caller gets its own answer.
 */
public final class GroupCommit implements AutoCloseable {
    private record Unit<T>(String key, Work<T> work, CompletableFuture<T> answer) implements Batches.Request<T> {
        /** Completes with what {@code work} returned (so of type T). */
        @SuppressWarnings("unchecked")
        void complete(Object result) {
            answer.complete((T) result);
        }
    }

    private final Database database;
    private final Batches<Unit<?>> batches;

    /**
     * @param name     the writer threads' name prefix
     * @param threads  how many transactions may be written at once
     * @param maxBatch the most units one transaction takes
     */
    public GroupCommit(Database database, String name, int threads, int maxBatch) {
        this.database = database;
        this.batches = new Batches<>(name, threads, maxBatch, this::write);
    }

    /** Runs {@code work} in the next transaction and returns its result once that transaction has committed. */
    public <T> T run(String key, Work<T> work) {
        Unit<T> unit = new Unit<>(key, work, new CompletableFuture<>());
        return batches.submit(unit, unit.answer());
    }

    private void write(List<Unit<?>> batch) {
        List<Unit<?>> ordered = batch.stream().sorted(Comparator.comparing(Unit::key)).toList();
        Object[] results = new Object[ordered.size()];
        ApiError[] refusal = {null};
        int[] refusedUnit = {-1};
        try {
            database.transaction(tx -> {
                for (int i = 0; i < ordered.size(); i++) {
                    try {
                        results[i] = ordered.get(i).work().run(tx);
                    } catch (ApiError refused) {
                        refusal[0] = refused;
                        refusedUnit[0] = i;
                        throw refused;
                    }
                }
                return null;
            });
        } catch (RuntimeException failure) {
            boolean databaseAway = failure instanceof ApiError error && error.kind() == ApiError.Kind.UNAVAILABLE
                    && refusal[0] == null;
            if (ordered.size() == 1 || databaseAway) {
                ordered.forEach(unit -> unit.answer().completeExceptionally(failure));
                return;
            }
            for (int i = 0; i < ordered.size(); i++) {
                if (i == refusedUnit[0]) {
                    ordered.get(i).answer().completeExceptionally(refusal[0]);
                } else {
                    write(List.of(ordered.get(i)));
                }
            }
            return;
        }
        for (int i = 0; i < ordered.size(); i++) {
            ordered.get(i).complete(results[i]);
        }
    }

    /** Stops taking units; those still waiting are refused with 503. */
    @Override
    public void close() {
        batches.close();
    }
}
