package io.aihub.store.task;

import io.aihub.protocol.ApiError;
import io.aihub.store.jdbc.Database;
import io.aihub.store.jdbc.RowMapper;
import io.aihub.store.jdbc.Tx;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Claims, answers and replays {@link IdempotencyKey}s inside the transaction of the creation they guard
 * (IETF draft-ietf-httpapi-idempotency-key-header). Claiming a key another transaction holds waits for
 * that transaction, so duplicates that arrive together, on any node, make one creation: the first
 * claims the key and stores its answer before it commits; the others then read that answer.
 */
final class IdempotencyKeys {
    /** How long a key is remembered. */
    static final Duration KEPT = Duration.ofHours(24);

    private static final int DELETE_CHUNK = 10_000;
    private static final Comparator<IdempotencyKey> CLAIM_ORDER =
            Comparator.comparing(IdempotencyKey::caller).thenComparing(IdempotencyKey::key);

    /** A key as the table knows it. */
    record Ref(String caller, String key) {
        static Ref of(IdempotencyKey key) {
            return new Ref(key.caller(), key.key());
        }
    }

    /** What the table holds for a key. */
    record Stored(String requestHash, Integer status, String response) {}

    /** An answer to store for a claimed key. */
    record Answer(IdempotencyKey key, int status, String body) {}

    private IdempotencyKeys() {}

    /**
     * Claims these keys (each once); returns those this transaction now holds. They are claimed in one
     * order, the same in every transaction, so two batches holding the same keys wait for each other
     * instead of deadlocking.
     */
    static Set<Ref> claim(Tx tx, Collection<IdempotencyKey> unordered, Instant now) throws SQLException {
        if (unordered.isEmpty()) {
            return Set.of();
        }
        List<IdempotencyKey> keys = unordered.stream().sorted(CLAIM_ORDER).toList();
        return new HashSet<>(tx.list(
                IdempotencySql.KEY_CLAIM_MANY,
                row -> new Ref(row.getString("caller"), row.getString("idempotency_key")),
                now,
                column(keys, IdempotencyKey::caller),
                column(keys, IdempotencyKey::key),
                column(keys, IdempotencyKey::requestHash),
                now.minus(KEPT)));
    }

    static void answer(Tx tx, List<Answer> answers) throws SQLException {
        if (answers.isEmpty()) {
            return;
        }
        tx.update(
                IdempotencySql.KEY_ANSWER_MANY,
                answers.stream().map(answer -> answer.key().caller()).toArray(String[]::new),
                answers.stream().map(answer -> answer.key().key()).toArray(String[]::new),
                answers.stream().map(Answer::status).toArray(Integer[]::new),
                answers.stream().map(Answer::body).toArray(String[]::new));
    }

    /** Lets go of claimed keys whose request was refused, so that a retry may still use them. */
    static void release(Tx tx, Collection<IdempotencyKey> keys) throws SQLException {
        if (!keys.isEmpty()) {
            tx.update(
                    IdempotencySql.KEY_RELEASE_MANY,
                    column(keys, IdempotencyKey::caller),
                    column(keys, IdempotencyKey::key));
        }
    }

    static Map<Ref, Stored> find(Tx tx, Collection<IdempotencyKey> keys) throws SQLException {
        Map<Ref, Stored> found = new HashMap<>();
        if (keys.isEmpty()) {
            return found;
        }
        RowMapper<Void> into = row -> {
            found.put(
                    new Ref(row.getString("caller"), row.getString("idempotency_key")),
                    new Stored(
                            row.getString("request_hash"),
                            row.getObject("status", Integer.class),
                            row.getString("response")));
            return null;
        };
        tx.list(
                IdempotencySql.KEY_FIND_MANY,
                into,
                column(keys, IdempotencyKey::caller),
                column(keys, IdempotencyKey::key));
        return found;
    }

    /** The first answer to {@code key}, or a refusal if it was used for another request. */
    static <T> Idempotent<T> replay(IdempotencyKey key, Stored stored) {
        if (stored == null || stored.status() == null) { // its first request was refused meanwhile
            throw ApiError.conflict("the first request with this Idempotency-Key was refused; send it again");
        }
        if (!stored.requestHash().equals(key.requestHash())) {
            throw new ApiError(
                    ApiError.Kind.UNPROCESSABLE,
                    "this Idempotency-Key was used for another request in the last " + KEPT.toHours()
                            + " hours; use a new key for a new request");
        }
        return new Idempotent.Replayed<>(stored.status(), stored.response());
    }

    /** Forgets keys older than a day, in chunks. */
    static int deleteExpired(Database database, Instant now) {
        int deleted = 0;
        int chunk;
        do {
            Instant cutoff = now.minus(KEPT);
            chunk = database.transaction(
                    tx -> tx.update(IdempotencySql.KEY_DELETE_OLDEST_BEFORE, cutoff, DELETE_CHUNK, cutoff));
            deleted += chunk;
        } while (chunk == DELETE_CHUNK);
        return deleted;
    }

    private static String[] column(Collection<IdempotencyKey> keys, Function<IdempotencyKey, String> field) {
        return keys.stream().map(field).toArray(String[]::new);
    }
}
