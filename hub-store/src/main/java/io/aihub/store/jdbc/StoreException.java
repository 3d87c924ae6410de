package io.aihub.store.jdbc;

/** A database failure that is not the caller's doing: a bug or an unexpected database state. */
public final class StoreException extends RuntimeException {
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
