package io.aihub.store.jdbc;

import java.sql.SQLException;

/** The body of a transaction. */
@FunctionalInterface
public interface Work<T> {
    T run(Tx tx) throws SQLException;
}
