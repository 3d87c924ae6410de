package io.aihub.store.jdbc;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Statements of one transaction sent to PostgreSQL together, in one round trip, for when none of them
 * needs what an earlier one answers in order to be written. The server still runs them one after
 * another, in the order added, each on a snapshot of its own: a later statement sees what the earlier
 * ones wrote, and one that waits for a lock holds up the rest. (The driver sends the statements as
 * one text separated by semicolons; it binds and executes each in turn, then waits once.) If one
 * fails, the ones after it are not run and {@link #run} throws its failure.
 *
 * <p>Every statement must answer rows, and must have one good plan whatever PostgreSQL knows of its
 * tables' sizes (as the store's set statements do, see {@code TaskSql}): a pipeline's statements run
 * with cached generic plans. The driver prepares the text on the server after a few runs, and the
 * pipeline sets {@code plan_cache_mode} to {@code force_generic_plan} for its own statements (and back
 * after them, in the same round trip). Left to choose, PostgreSQL kept planning them anew on every run,
 * as a generic plan for arrays of unknown length looked costlier than one for the arrays at hand; that
 * planning took several times as long as running them.
 *
 * <p>A transaction's last pipeline can carry its {@code COMMIT} as well ({@link #runAndCommit}), so the
 * last writes and the commit cost one round trip between them.
 */
public final class Pipeline {
    /** The rows one statement of the pipeline answered, readable once the pipeline has run. */
    public static final class Rows<T> {
        private final RowMapper<T> mapper;
        private List<T> rows;

        private Rows(RowMapper<T> mapper) {
            this.mapper = mapper;
        }

        public List<T> list() {
            if (rows == null) {
                throw new IllegalStateException("the pipeline has not run");
            }
            return rows;
        }

        private void read(ResultSet result) throws SQLException {
            List<T> read = new ArrayList<>();
            while (result.next()) {
                read.add(mapper.map(result));
            }
            rows = read;
        }
    }

    /** Its statements run with cached generic plans; the setting it found is kept to be put back after them. */
    private static final String BEFORE = """
            select set_config('hub.plan_cache_mode_before', current_setting('plan_cache_mode'), true);
            select set_config('plan_cache_mode', 'force_generic_plan', true);
            """;

    private static final String AFTER =
            "select set_config('plan_cache_mode', current_setting('hub.plan_cache_mode_before'), true)";

    /**
     * The texts sent, by the statements they join and how they end. A pipeline's statements are the
     * stores' constants, so the texts are few; each is built once rather than at every batch (they are
     * kilobytes long, and the driver finds its prepared statement by the text). Past {@link #TEXTS_KEPT},
     * a text is built for its one use.
     */
    private static final Map<Text, String> TEXTS = new ConcurrentHashMap<>();

    private static final int TEXTS_KEPT = 256;

    /** The statements of a pipeline, in order, and whether it commits. */
    private record Text(List<String> statements, boolean commits) {
        String build() {
            StringBuilder sql = new StringBuilder(BEFORE);
            statements.forEach(statement -> sql.append(statement.strip()).append(";\n"));
            return sql.append(commits ? "commit" : AFTER).toString();
        }
    }

    private final Tx tx;
    private final List<String> statements = new ArrayList<>();
    private final List<Object> params = new ArrayList<>();
    private final List<Rows<?>> answers = new ArrayList<>();

    Pipeline(Tx tx) {
        this.tx = tx;
    }

    /** Adds a statement; its rows are there once {@link #run} has returned. */
    public <T> Rows<T> add(String statement, RowMapper<T> mapper, Object... values) {
        statements.add(statement);
        params.addAll(Arrays.asList(values));
        Rows<T> rows = new Rows<>(mapper);
        answers.add(rows);
        return rows;
    }

    /** Whether no statement was added. */
    public boolean isEmpty() {
        return answers.isEmpty();
    }

    /** Sends the statements and reads every answer; does nothing if none was added. */
    public void run() throws SQLException {
        if (!answers.isEmpty()) {
            send(false);
        }
    }

    /**
     * Sends the statements and then {@code COMMIT}, in one round trip, and reads every answer: once it
     * returns, the transaction has committed and takes no more statements ({@link Database} does not
     * commit it again). If a statement fails, the server runs neither the rest nor the commit, and the
     * failure is thrown with the transaction still to roll back. With no statement added, it sends
     * nothing and the transaction commits as usual.
     */
    public void runAndCommit() throws SQLException {
        if (!answers.isEmpty()) {
            send(true); // the plan_cache_mode set for the statements ends with the transaction
        }
    }

    private void send(boolean commits) throws SQLException {
        try (PreparedStatement statement = tx.prepare(text(commits), params.toArray())) {
            boolean rows = statement.execute(); // the driver has read every answer: all ran, or this threw
            if (commits) {
                tx.committed();
            }
            rows = rows && statement.getMoreResults() && statement.getMoreResults();
            for (Rows<?> answer : answers) { // the two settings' answers passed
                if (!rows) {
                    throw new SQLException("a statement of a pipeline answered no rows: " + statements);
                }
                try (ResultSet result = statement.getResultSet()) {
                    answer.read(result);
                }
                rows = statement.getMoreResults();
            }
        }
    }

    private String text(boolean commits) {
        Text text = new Text(statements, commits);
        String known = TEXTS.get(text);
        if (known != null) {
            return known;
        }
        String built = text.build();
        if (TEXTS.size() < TEXTS_KEPT) {
            TEXTS.putIfAbsent(new Text(List.copyOf(statements), commits), built);
        }
        return built;
    }
}
