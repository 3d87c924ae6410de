package io.aihub.store.jdbc;

import java.sql.ResultSet;
import java.sql.SQLException;

/** Maps the current row of a result set. */
@FunctionalInterface
public interface RowMapper<T> {
    /** The first column as a number: what {@code select count(*)} answers. */
    RowMapper<Long> COUNT = row -> row.getLong(1);

    T map(ResultSet row) throws SQLException;
}
