package io.aihub.store.jdbc;

import io.aihub.protocol.Status;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.postgresql.PGConnection;
import org.postgresql.PGStatement;
import org.postgresql.jdbc.PreferQueryMode;

/**
 * One open transaction: runs named SQL with positional parameters, never concatenated values.
 * Instants are bound as {@code timestamptz}, statuses by wire name, {@code String[]} as {@code text[]}.
 */
public final class Tx {
    private final Connection connection;
    private boolean committed;
    /** Whether the driver writes parameters into the SQL text ({@code preferQueryMode=simple}); read once. */
    private Boolean valuesInline;

    Tx(Connection connection) {
        this.connection = connection;
    }

    public int update(String sql, Object... params) throws SQLException {
        try (PreparedStatement statement = prepare(sql, params)) {
            return statement.executeUpdate();
        }
    }

    public <T> List<T> list(String sql, RowMapper<T> mapper, Object... params) throws SQLException {
        try (PreparedStatement statement = prepare(sql, params)) {
            return rows(statement, mapper);
        }
    }

    /**
     * Like {@link #list}, but planned anew on every run, for the parameters given and the table as it is
     * now. PostgreSQL otherwise caches a statement's plan after its fifth run on a connection; for a
     * query whose best plan changes as its table grows from empty (a sorted range read with a limit:
     * a sequential scan and sort on a few rows, an index scan on many), a plan cached early stays wrong.
     */
    public <T> List<T> listPlannedPerRun(String sql, RowMapper<T> mapper, Object... params) throws SQLException {
        try (PreparedStatement statement = prepare(sql, params)) {
            statement.unwrap(PGStatement.class).setPrepareThreshold(0);
            return rows(statement, mapper);
        }
    }

    /** Statements to send together, in one round trip ({@link Pipeline}). */
    public Pipeline pipeline() {
        return new Pipeline(this);
    }

    private static <T> List<T> rows(PreparedStatement statement, RowMapper<T> mapper) throws SQLException {
        try (ResultSet rows = statement.executeQuery()) {
            List<T> result = new ArrayList<>();
            while (rows.next()) {
                result.add(mapper.map(rows));
            }
            return result;
        }
    }

    public <T> Optional<T> one(String sql, RowMapper<T> mapper, Object... params) throws SQLException {
        List<T> rows = list(sql, mapper, params);
        if (rows.size() > 1) {
            throw new SQLException("expected at most one row, got " + rows.size() + " from: " + sql);
        }
        return rows.stream().findFirst();
    }

    /** A pipeline has sent the commit ({@link Pipeline#runAndCommit}): {@link #prepare} refuses what would follow. */
    void committed() {
        committed = true;
    }

    /** Whether a pipeline has committed the transaction already. */
    boolean isCommitted() {
        return committed;
    }

    PreparedStatement prepare(String sql, Object... params) throws SQLException {
        if (committed) { // the driver would begin a new transaction that nobody commits
            throw new IllegalStateException("the transaction has committed: no statement may follow");
        }
        PreparedStatement statement = connection.prepareStatement(sql);
        try {
            for (int i = 0; i < params.length; i++) {
                bind(statement, i + 1, params[i]);
            }
            return statement;
        } catch (SQLException | RuntimeException e) {
            statement.close();
            throw e;
        }
    }

    private void bind(PreparedStatement statement, int index, Object value) throws SQLException {
        switch (value) {
            case null -> statement.setNull(index, Types.NULL);
            case Instant instant -> statement.setObject(index, OffsetDateTime.ofInstant(instant, ZoneOffset.UTC));
            case Status status -> statement.setString(index, status.wire());
            case String[] texts -> bindTexts(statement, index, texts);
            case Integer[] ints -> statement.setArray(index, connection.createArrayOf("int4", ints));
            case Long[] longs -> statement.setArray(index, connection.createArrayOf("int8", longs));
            case Boolean[] booleans -> statement.setArray(index, connection.createArrayOf("bool", booleans));
            default -> statement.setObject(index, value);
        }
    }

    /**
     * A {@code text[]} parameter: sized once ({@link TextArray}), unless the driver writes parameters into
     * the SQL text, where only its own arrays are written out (a binary one would not be).
     */
    private void bindTexts(PreparedStatement statement, int index, String[] texts) throws SQLException {
        if (valuesInline == null) {
            valuesInline = connection.unwrap(PGConnection.class).getPreferQueryMode() == PreferQueryMode.SIMPLE;
        }
        if (valuesInline) {
            statement.setArray(index, connection.createArrayOf("text", texts));
        } else {
            statement.setObject(index, new TextArray(texts));
        }
    }

    /** Reads a {@code timestamptz} column. */
    public static Instant instant(ResultSet row, String column) throws SQLException {
        OffsetDateTime value = row.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    /** Reads a nullable status column. */
    public static Status status(ResultSet row, String column) throws SQLException {
        String value = row.getString(column);
        return value == null ? null : Status.valueOf(value);
    }
}
