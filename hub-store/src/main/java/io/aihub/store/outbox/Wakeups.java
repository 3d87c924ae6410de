package io.aihub.store.outbox;

import io.aihub.store.jdbc.Database;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.postgresql.PGConnection;

/**
 * The one connection of a node that LISTENs for the outbox's wake-ups ({@link EventLog#CHANNEL}),
 * outside the pool and with its timeouts. A notification only says that something committed; the
 * events themselves are read with {@link EventLog#after}.
 */
public final class Wakeups implements AutoCloseable {
    /** How the listening session shows in {@code pg_stat_activity}. */
    public static final String APPLICATION_NAME = "aihub-listen";

    private final Connection connection;
    private final PGConnection notifications;

    private Wakeups(Connection connection) throws SQLException {
        this.connection = connection;
        this.notifications = connection.unwrap(PGConnection.class);
    }

    /** Opens a connection and starts listening; fails as the pool does when the database is away. */
    public static Wakeups listen(Database database) {
        Connection connection = database.openDedicated(APPLICATION_NAME);
        try (Statement listen = connection.createStatement()) {
            listen.execute("listen " + EventSql.CHANNEL);
            return new Wakeups(connection);
        } catch (SQLException e) {
            closeQuietly(connection);
            throw Database.translate(e);
        }
    }

    /** Waits up to {@code millis} for a wake-up (returns at once if one came meanwhile); true if one came. */
    public boolean await(int millis) {
        try {
            return notifications.getNotifications(millis).length > 0;
        } catch (SQLException e) {
            throw Database.translate(e);
        }
    }

    /** Asks the connection a trivial question: fails (after the socket timeout) if it no longer answers. */
    public void check() {
        try (Statement probe = connection.createStatement()) {
            probe.execute("select 1");
        } catch (SQLException e) {
            throw Database.translate(e);
        }
    }

    /** Closes the connection; a thread waiting in {@link #await} gets a failure at once. */
    @Override
    public void close() {
        closeQuietly(connection);
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // closing only to let go of it
        }
    }
}
