package io.aihub.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

class MigrationsTest {

    @Test
    void migrations_appliedTwiceToAnEmptySchema_createTheSchemaOnceAndThenDoNothing() throws SQLException {
        try (HikariDataSource dataSource = new HikariDataSource()) {
            dataSource.setJdbcUrl(TestDatabase.freshSchemaUrl());
            Migrations.apply(dataSource);
            Migrations.apply(dataSource);

            var flyway = Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load();
            assertThat(flyway.info().applied()).hasSize(flyway.info().all().length);
            assertThat(flyway.info().pending()).isEmpty();
            assertThat(tables(dataSource)).containsExactlyInAnyOrder("accounts", "agents", "api_keys", "events",
                    "flyway_schema_history", "hub_settings", "steps", "task_logs", "tasks");
        }
    }

    private static List<String> tables(HikariDataSource dataSource) throws SQLException {
        List<String> names = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
             var rows = connection.createStatement().executeQuery(
                     "select table_name from information_schema.tables where table_schema = current_schema()")) {
            while (rows.next()) {
                names.add(rows.getString(1));
            }
        }
        return names;
    }
}
