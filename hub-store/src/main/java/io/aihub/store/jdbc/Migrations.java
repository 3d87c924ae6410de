package io.aihub.store.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/** Applies {@code migrations/*.sql} (shipped as {@code db/migration}) with Flyway, forward only. */
public final class Migrations {
    /**
     * A migration whose text changed after release without changing what it does: a database migrated
     * with the first text carries {@code released} as its checksum and is moved to {@code current}.
     * Flyway otherwise refuses to start on a checksum that differs from the file's.
     */
    record CorrectedText(String version, int released, int current) {}

    static final List<CorrectedText> CORRECTED = List.of(
            // V001's comment on the events table credited the row lock with commit order (the task gates give it).
            new CorrectedText("001", -6613563, -1770892012));

    private static final String HISTORY_EXISTS = "select to_regclass('flyway_schema_history') is not null";
    private static final String HISTORY_CORRECT_CHECKSUM = """
            update flyway_schema_history set checksum = ? where version = ? and checksum = ?
            """;

    private Migrations() {}

    public static void apply(DataSource dataSource) {
        acceptCorrectedTexts(dataSource);
        Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                .cleanDisabled(true)
                .load()
                .migrate();
    }

    private static void acceptCorrectedTexts(DataSource dataSource) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(true);
            boolean migratedBefore;
            try (var exists = connection.createStatement().executeQuery(HISTORY_EXISTS)) {
                migratedBefore = exists.next() && exists.getBoolean(1);
            }
            if (!migratedBefore) {
                return;
            }
            try (PreparedStatement correct = connection.prepareStatement(HISTORY_CORRECT_CHECKSUM)) {
                for (CorrectedText text : CORRECTED) {
                    correct.setInt(1, text.current());
                    correct.setString(2, text.version());
                    correct.setInt(3, text.released());
                    correct.executeUpdate();
                }
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read the migration history: " + e.getMessage(), e);
        }
    }
}
