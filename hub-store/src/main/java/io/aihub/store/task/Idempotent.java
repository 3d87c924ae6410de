package io.aihub.store.task;

/**
 * The answer to a creation that may carry an {@link IdempotencyKey}: written now, or the first
 * answer to the same key, replayed.
 */
public sealed interface Idempotent<T> {
    /** Written by this request. */
    record Fresh<T>(T value) implements Idempotent<T> {}

    /** The first request's answer, as it was sent: its status and its JSON body. */
    record Replayed<T>(int status, String body) implements Idempotent<T> {}
}
