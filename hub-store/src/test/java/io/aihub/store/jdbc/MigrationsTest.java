package io.aihub.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.aihub.protocol.ProtocolEvent;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
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

            var flyway = Flyway.configure()
                    .dataSource(dataSource)
                    .locations("classpath:db/migration")
                    .load();
            assertThat(flyway.info().applied()).hasSize(flyway.info().all().length);
            assertThat(flyway.info().pending()).isEmpty();
            assertThat(tables(dataSource))
                    .containsExactlyInAnyOrder(
                            "accounts",
                            "agents",
                            "api_keys",
                            "events",
                            "flyway_schema_history",
                            "hub_settings",
                            "idempotency_keys",
                            "steps",
                            "task_logs",
                            "tasks");
        }
    }

    @Test
    void aDatabaseMigratedWithAMigrationsFirstText_isAcceptedAfterItsCommentWasCorrected() throws SQLException {
        try (HikariDataSource dataSource = new HikariDataSource()) {
            dataSource.setJdbcUrl(TestDatabase.freshSchemaUrl());
            Migrations.apply(dataSource);
            Migrations.CorrectedText v001 = Migrations.CORRECTED.getFirst();
            try (Connection connection = dataSource.getConnection();
                    var released = connection.prepareStatement(
                            "update flyway_schema_history set checksum = ? where version = ?")) {
                connection.setAutoCommit(true);
                released.setInt(1, v001.released());
                released.setString(2, v001.version());
                assertThat(released.executeUpdate()).isOne();
            }

            Migrations.apply(dataSource);

            var flyway = Flyway.configure()
                    .dataSource(dataSource)
                    .locations("classpath:db/migration")
                    .load();
            assertThat(flyway.validateWithResult().validationSuccessful).isTrue();
            assertThat(flyway.info().applied()[0].getChecksum()).isEqualTo(v001.current());
        }
    }

    @Test
    void theEventsTable_allowsExactlyTheEventsTheOutboxAnnounces() throws SQLException {
        try (HikariDataSource dataSource = new HikariDataSource()) {
            dataSource.setJdbcUrl(TestDatabase.freshSchemaUrl());
            Migrations.apply(dataSource);
            List<String> allowed = new ArrayList<>();
            try (Connection connection = dataSource.getConnection();
                    var rows = connection.createStatement().executeQuery("""
                            select unnest(regexp_matches(pg_get_constraintdef(c.oid), '''([a-z_-]+)''', 'g'))
                            from pg_constraint c
                            where c.conrelid = to_regclass('events') and c.contype = 'c'
                              and pg_get_constraintdef(c.oid) like '%event_name%'
                            """)) {
                while (rows.next()) {
                    allowed.add(rows.getString(1));
                }
            }

            assertThat(allowed)
                    .as("an announced ProtocolEvent needs a migration that lets the events table hold it")
                    .containsExactlyInAnyOrderElementsOf(Arrays.stream(ProtocolEvent.values())
                            .filter(ProtocolEvent::isAnnounced)
                            .map(ProtocolEvent::wireName)
                            .toList());
        }
    }

    @Test
    void v006_closesTheStepsThatTasksEndedBeforeV004LeftOpen_andNoOthers() throws SQLException {
        try (HikariDataSource dataSource = new HikariDataSource()) {
            dataSource.setJdbcUrl(TestDatabase.freshSchemaUrl());
            Flyway.configure()
                    .dataSource(dataSource)
                    .locations("classpath:db/migration")
                    .target("5")
                    .load()
                    .migrate();
            try (Connection connection = dataSource.getConnection();
                    var setup = connection.createStatement()) {
                setup.execute("""
                        insert into accounts (address, name, created_at) values ('0xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'a', now());
                        insert into agents (did, owner, name, created_at) values ('did:nv:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', '0xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'a', now());
                        insert into tasks (task_id, did, owner, user_address, task_status, input_query, created_at, updated_at)
                        values ('ended', 'did:nv:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', '0xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', '0xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'Completed', 'q', now(), now()),
                               ('open', 'did:nv:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', '0xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', '0xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'In_Progress', 'q', now(), now());
                        insert into steps (step_id, task_id, did, owner, step_status, step_order, created_at, updated_at)
                        values ('e1', 'ended', 'did:nv:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', '0xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'Completed', 1, now(), now()),
                               ('e2', 'ended', 'did:nv:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', '0xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'Pending', 2, now(), now()),
                               ('e3', 'ended', 'did:nv:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', '0xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'Not_Ready', 3, now(), now()),
                               ('e4', 'ended', 'did:nv:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', '0xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'In_Progress', 4, now(), now()),
                               ('o1', 'open', 'did:nv:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', '0xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'In_Progress', 1, now(), now()),
                               ('o2', 'open', 'did:nv:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', '0xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'Not_Ready', 2, now(), now());
                        """);
            }

            Migrations.apply(dataSource);

            List<String> steps = new ArrayList<>();
            try (Connection connection = dataSource.getConnection();
                    var rows = connection
                            .createStatement()
                            .executeQuery("select step_id || ' ' || step_status from steps order by step_id")) {
                while (rows.next()) {
                    steps.add(rows.getString(1));
                }
            }
            assertThat(steps)
                    .containsExactly(
                            "e1 Completed", "e2 Failed", "e3 Failed", "e4 Failed", "o1 In_Progress", "o2 Not_Ready");
        }
    }

    private static List<String> tables(HikariDataSource dataSource) throws SQLException {
        List<String> names = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
                var rows = connection
                        .createStatement()
                        .executeQuery(
                                "select table_name from information_schema.tables where table_schema = current_schema()")) {
            while (rows.next()) {
                names.add(rows.getString(1));
            }
        }
        return names;
    }
}
