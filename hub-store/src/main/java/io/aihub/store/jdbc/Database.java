package io.aihub.store.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.aihub.protocol.ApiError;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.Properties;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one owner of JDBC connections. Runs work in transactions and translates SQLState: a unique
 * violation becomes a 409, a lost or refused connection a 503 (the pool reconnects by itself), and
 * anything else a {@link StoreException}.
 */
public final class Database implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Database.class);

    private static final int SOCKET_TIMEOUT_SECONDS = 60;
    private static final int CONNECT_TIMEOUT_SECONDS = 10;
    private static final int IDLE_IN_TRANSACTION_SECONDS = 30;
    /** How the pool's sessions show in {@code pg_stat_activity}. */
    public static final String POOL_APPLICATION_NAME = "aihub";

    private final HikariDataSource pool;
    private final DatabaseConfig config;

    private Database(HikariDataSource pool, DatabaseConfig config) {
        this.pool = pool;
        this.config = config;
    }

    /**
     * What every connection of the hub is opened with, the pool's and dedicated ones alike; the same
     * parameter in the URL overrides it. A connection that stops answering (a half-open TCP connection,
     * a database whose network went silent) fails its statement after {@code socketTimeout} instead of
     * holding its thread, and the batches queued behind it, forever: every statement of the hub takes
     * milliseconds. Connecting and logging in are bounded too, and TCP keepalive is on.
     */
    static Properties connectionProperties(String applicationName) {
        Properties properties = new Properties();
        properties.setProperty("ApplicationName", applicationName); // what pg_stat_activity shows
        properties.setProperty("socketTimeout", Integer.toString(SOCKET_TIMEOUT_SECONDS));
        properties.setProperty("connectTimeout", Integer.toString(CONNECT_TIMEOUT_SECONDS));
        properties.setProperty("loginTimeout", Integer.toString(CONNECT_TIMEOUT_SECONDS));
        properties.setProperty("tcpKeepAlive", "true");
        return properties;
    }

    /**
     * A connection of its own, outside the pool, with the pool's timeouts: for a session that lives
     * as long as the hub, such as the one that LISTENs for events. The caller closes it.
     *
     * @param applicationName how the session shows in {@code pg_stat_activity}
     */
    public Connection openDedicated(String applicationName) {
        try {
            Connection connection =
                    DriverManager.getConnection(config.jdbcUrl(), connectionProperties(applicationName));
            connection.setAutoCommit(true);
            return connection;
        } catch (SQLException e) {
            throw translate(e);
        }
    }

    /**
     * Waits for the database named by the URL and creates it if it does not exist yet
     * ({@link DatabaseStartup}), applies the migrations and opens the pool.
     */
    public static Database open(DatabaseConfig config) {
        return open(config, null);
    }

    /**
     * As {@link #open(DatabaseConfig)}, with the pool's meters ({@code hikaricp_connections_*}, HikariCP's
     * own Micrometer binding) in {@code meters} when it is not null.
     */
    public static Database open(DatabaseConfig config, MeterRegistry meters) {
        DatabaseStartup.reachOrCreate(config);
        HikariConfig hikari = new HikariConfig();
        hikari.setJdbcUrl(config.jdbcUrl());
        hikari.setMaximumPoolSize(config.poolSize());
        hikari.setMinimumIdle(Math.min(2, config.poolSize()));
        hikari.setConnectionTimeout(5_000);
        hikari.setValidationTimeout(2_000);
        hikari.setPoolName("hub-db");
        if (meters != null) {
            hikari.setMetricRegistry(meters);
        }
        hikari.setAutoCommit(true); // transactions turn it off for themselves; the pool turns it back on
        hikari.addDataSourceProperty("reWriteBatchedInserts", "true");
        connectionProperties(POOL_APPLICATION_NAME)
                .forEach((name, value) -> hikari.addDataSourceProperty((String) name, value));
        // The other side of socketTimeout: a session whose client went silent in the middle of a
        // transaction is ended by the server, so the locks it holds (task gates, rows) do not wait for
        // TCP keepalive, hours away. The hub's transactions never pause between statements. A SET on each
        // new connection rather than a startup option, which connection poolers such as PgBouncer refuse.
        // It runs in autocommit, the pool's default, so it takes effect at once and for good: run inside a
        // transaction, it would leave the new connection idle in that transaction (and the server would
        // end it 30 s later), or be undone by the first borrower's rollback.
        hikari.setConnectionInitSql("set idle_in_transaction_session_timeout = '" + IDLE_IN_TRANSACTION_SECONDS + "s'");
        Migrations.apply(unpooled(config));
        return new Database(new HikariDataSource(hikari), config);
    }

    /**
     * A data source of plain connections to the configured URL, without the pool's timeouts: a
     * migration may rightly take longer than any request.
     */
    private static DataSource unpooled(DatabaseConfig config) {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setURL(config.jdbcUrl());
        return dataSource;
    }

    public DataSource dataSource() {
        return pool;
    }

    /** Runs work in a read-committed transaction and commits it. */
    public <T> T transaction(Work<T> work) {
        return run(work, null);
    }

    /** Runs read-only work of several statements on one consistent snapshot. */
    public <T> T read(Work<T> work) {
        return run(work, SNAPSHOT_READ);
    }

    /**
     * Runs reads in autocommit: one round trip per statement, no transaction to begin or commit. Each
     * statement sees its own snapshot, so use it for single statements or reads that need no common one.
     */
    public <T> T lookup(Work<T> work) {
        try (Connection connection = pool.getConnection()) { // in autocommit, the pool's default
            return work.run(new Tx(connection));
        } catch (SQLException e) {
            throw translate(e);
        }
    }

    /** Transaction-scoped, so nothing has to be reset on the pooled connection afterwards. */
    private static final String SNAPSHOT_READ = "set transaction isolation level repeatable read, read only";

    /** True when a connection can be had and answers. */
    public boolean isReachable() {
        try (Connection connection = pool.getConnection()) {
            return connection.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    private <T> T run(Work<T> work, String firstStatement) {
        try (Connection connection = pool.getConnection()) {
            connection.setAutoCommit(false); // no round trip: BEGIN goes with the first statement
            Tx tx = new Tx(connection);
            try {
                if (firstStatement != null) {
                    tx.update(firstStatement);
                }
                T result = work.run(tx);
                if (!tx.isCommitted()) {
                    connection.commit();
                }
                return result;
            } catch (SQLException | RuntimeException e) {
                if (tx.isCommitted()) { // nothing to roll back, and nothing to write again
                    throw new FailedAfterCommit(e);
                }
                rollbackQuietly(connection, e);
                throw e;
            }
        } catch (SQLException e) {
            throw translate(e);
        }
    }

    /**
     * Work that failed after its transaction had committed ({@link Pipeline#runAndCommit}): what it wrote
     * is in the database, so it must not be written again; only a bug gets here.
     */
    public static final class FailedAfterCommit extends IllegalStateException {
        public FailedAfterCommit(Exception cause) {
            super("failed after its transaction had committed: " + cause.getMessage(), cause);
        }
    }

    private static void rollbackQuietly(Connection connection, Exception cause) {
        try {
            connection.rollback();
        } catch (SQLException rollbackFailure) {
            cause.addSuppressed(rollbackFailure);
        }
    }

    public static RuntimeException translate(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        if (uniqueViolation(e)) { // the constraint's detail names values, possibly another tenant's: not sent
            return ApiError.conflict("a value that must be unique is taken already");
        }
        if (state.equals("22021") || state.equals("22P05")) {
            return ApiError.badRequest("text cannot contain the NUL character (\\u0000) or invalid UTF-8");
        }
        if (state.equals("22003")) {
            return ApiError.badRequest("a number is out of range: " + e.getMessage());
        }
        if (state.startsWith("22")) {
            return ApiError.badRequest("a value cannot be stored: " + e.getMessage());
        }
        if (lostConnection(e)) {
            return ApiError.unavailable("the database is unreachable right now; retry shortly", e);
        }
        if (state.startsWith("53")) { // insufficient resources: too many connections, disk full, out of memory
            return ApiError.unavailable("the database is out of resources right now (" + state + "); retry shortly", e);
        }
        if (state.equals("40001") || state.equals("40P01") || state.equals("55P03") || state.equals("57014")) {
            return ApiError.unavailable(
                    "the database gave up on this request (" + state
                            + ": a conflict, a lock wait or a cancelled statement); retry it",
                    e);
        }
        return new StoreException("database error " + state + ": " + e.getMessage(), e);
    }

    /** Whether a statement was refused because a value that must be unique is taken already. */
    public static boolean uniqueViolation(SQLException e) {
        return "23505".equals(e.getSQLState());
    }

    /**
     * Whether a failure means the connection (or the server) is gone, rather than that one statement
     * was refused: what every statement of the same transaction would hit too.
     */
    public static boolean lostConnection(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException e) {
                String state = e.getSQLState() == null ? "" : e.getSQLState();
                return e instanceof SQLTransientConnectionException
                        || state.startsWith("08")
                        || state.equals("57P01")
                        || state.equals("57P02")
                        || state.equals("57P03")
                        || state.equals("25P03")
                        || state.equals("25P04");
            }
        }
        return false;
    }

    @Override
    public void close() {
        pool.close();
    }
}
