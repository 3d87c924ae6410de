package io.aihub.store.task;

/** SQL of the {@code idempotency_keys} table. */
final class IdempotencySql {
    private IdempotencySql() {}

    /**
     * Claims keys, one row per element of the arrays (caller, key, request hash; no key twice): a key
     * nobody holds, or one older than the cutoff, is claimed and returned; a key another transaction
     * holds makes this one wait for it, then is not returned. Parameters: the time, the cutoff, the arrays.
     */
    static final String KEY_CLAIM_MANY = """
            insert into idempotency_keys (caller, idempotency_key, request_hash, created_at)
            select u.caller, u.idempotency_key, u.request_hash, ?
            from unnest(?::text[], ?::text[], ?::text[]) as u(caller, idempotency_key, request_hash)
            on conflict (caller, idempotency_key) do update
                set request_hash = excluded.request_hash, status = null, response = null,
                    created_at = excluded.created_at
                where idempotency_keys.created_at < ?
            returning caller, idempotency_key
            """;

    /** Stores the answers of claimed keys (caller, key, status, JSON body per element). */
    static final String KEY_ANSWER_MANY = """
            update idempotency_keys k set status = u.status, response = u.response
            from unnest(?::text[], ?::text[], ?::int4[], ?::text[]) as u(caller, idempotency_key, status, response)
            where k.caller = u.caller and k.idempotency_key = u.idempotency_key
            """;

    /** Lets go of claimed keys whose request was refused: a retry may use them again. */
    static final String KEY_RELEASE_MANY = """
            delete from idempotency_keys k
            using unnest(?::text[], ?::text[]) as u(caller, idempotency_key)
            where k.caller = u.caller and k.idempotency_key = u.idempotency_key
            """;

    /** What was stored for these keys (caller, key per element). */
    static final String KEY_FIND_MANY = """
            select k.caller, k.idempotency_key, k.request_hash, k.status, k.response
            from idempotency_keys k
            join unnest(?::text[], ?::text[]) as u(caller, idempotency_key)
              on k.caller = u.caller and k.idempotency_key = u.idempotency_key
            """;

    /**
     * Deletes keys older than the cutoff, a chunk at a time; a key claimed afresh meanwhile is newer than
     * the cutoff when the row is checked again, and stays. Parameters: the cutoff, the chunk, the cutoff.
     */
    static final String KEY_DELETE_OLDEST_BEFORE = """
            delete from idempotency_keys where (caller, idempotency_key) in (
                select caller, idempotency_key from idempotency_keys where created_at < ?
                order by created_at limit ?)
              and created_at < ?
            """;
}
