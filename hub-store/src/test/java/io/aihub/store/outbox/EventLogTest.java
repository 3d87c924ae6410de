package io.aihub.store.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.aihub.protocol.Envelopes.CreatedTask;
import io.aihub.protocol.ProtocolEvent;
import io.aihub.protocol.SocketPayloads.NewTaskLog;
import io.aihub.protocol.Status;
import io.aihub.store.agent.Agent;
import io.aihub.store.jdbc.Database;
import io.aihub.store.jdbc.TestDatabase;
import io.aihub.store.task.Fixtures;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EventLogTest {
    private static Database database;
    private static Fixtures fx;
    private static EventLog log;

    @BeforeAll
    static void openDatabase() {
        database = TestDatabase.openFresh();
        fx = new Fixtures(database);
        log = new EventLog(database);
    }

    @AfterAll
    static void closeDatabase() {
        database.close();
    }

    @Test
    void aReaderStartingNow_seesOnlyEventsCommittedAfterwards_inCommitOrder() {
        String owner = fx.account();
        Agent agent = fx.agent(owner);
        String before = fx.task(agent, owner, "before").task().taskId();
        EventCursor cursor = log.now();

        String first = fx.task(agent, owner, "first").task().taskId();
        String second = fx.task(agent, owner, "second").task().taskId();
        EventLog.Batch batch = log.after(cursor, 100);

        assertThat(batch.events())
                .extracting(StoredEvent::taskId)
                .containsExactly(first, second)
                .doesNotContain(before);
        assertThat(batch.events()).allSatisfy(event -> {
            assertThat(event.event()).isEqualTo(ProtocolEvent.STEP_UPDATED);
            assertThat(event.owner()).isEqualTo(owner);
            assertThat(event.payloadJson()).contains("\"step_status\":\"Pending\"");
        });
        assertThat(batch.waiting()).isFalse();
        assertThat(log.after(EventCursor.after(batch.events().getLast()), 100).events())
                .isEmpty();
    }

    @Test
    void onlyTheTaskUpdatedCarryingTheEndedTask_endsIt_notALogLineReportingAFinalStatus() {
        String owner = fx.account();
        Agent agent = fx.agent(owner);
        CreatedTask created = fx.task(agent, owner, "q");
        String taskId = created.task().taskId();
        EventCursor cursor = log.now();

        fx.tasks.appendLog(owner, new NewTaskLog(taskId, "says it is done", "info", Status.Completed, null));
        fx.steps.update(
                owner,
                agent.did(),
                taskId,
                created.steps().getFirst().stepId(),
                Fixtures.stepUpdate(Map.of("step_status", "Completed", "is_last", true)));
        List<StoredEvent> events = log.after(cursor, 100).events();

        assertThat(events)
                .filteredOn(event -> event.event() == ProtocolEvent.TASK_UPDATED)
                .hasSize(2);
        assertThat(events).filteredOn(StoredEvent::endsTask).singleElement().satisfies(ending -> {
            assertThat(ending.event()).isEqualTo(ProtocolEvent.TASK_UPDATED);
            assertThat(ending.payloadJson())
                    .contains("\"task_status\":\"Completed\"")
                    .doesNotContain("message");
        });
    }

    @Test
    void deleteBefore_stopsAtTheFirstNewerEvent_neverDeletesANewerOne_andOnAnEmptyTableDeletesNothing() {
        java.time.Instant cutoff = java.time.Instant.parse("2026-01-01T00:00:00Z");
        try (Database own = TestDatabase.openFresh()) {
            EventLog events = new EventLog(own);
            assertThat(events.deleteBefore(cutoff)).isZero();
            // in id order: old, new, old (a late commit can place an older event after a newer one)
            for (String row : List.of("old-1:-60", "new-1:60", "old-2:-30")) {
                String[] parts = row.split(":");
                own.transaction(tx -> tx.update("""
                        insert into events (event_name, task_id, did, owner, payload, created_at)
                        values ('task-log', ?, 'did', 'owner', '{}'::json, ?::timestamptz + make_interval(secs => ?))
                        """, parts[0], cutoff, Integer.parseInt(parts[1])));
            }

            assertThat(events.deleteBefore(cutoff)).isEqualTo(1);
            List<String> kept =
                    own.lookup(tx -> tx.list("select task_id from events order by event_id", row -> row.getString(1)));
            assertThat(kept).containsExactly("new-1", "old-2");
            assertThat(events.deleteBefore(cutoff.plusSeconds(120))).isEqualTo(2);
        }
    }

    @Test
    void deleteBefore_dropsEveryOlderEvent_inChunks_andKeepsTheNewerOnes() {
        java.time.Instant cutoff = java.time.Instant.parse("2026-01-01T00:00:00Z");
        try (Database own = TestDatabase.openFresh()) { // its own table: old events first, as time writes them
            own.transaction(tx -> tx.update("""
                    insert into events (event_name, task_id, did, owner, payload, created_at)
                    select 'task-log', 'task-old-' || i, 'did', 'owner', '{}'::json,
                           ?::timestamptz - make_interval(secs => 45001 - i)
                    from generate_series(1, 45000) as i
                    """, cutoff));
            own.transaction(tx -> tx.update("""
                    insert into events (event_name, task_id, did, owner, payload, created_at)
                    select 'task-log', 'task-new-' || i, 'did', 'owner', '{}'::json, ?::timestamptz + make_interval(secs => i)
                    from generate_series(0, 9) as i
                    """, cutoff));

            assertThat(new EventLog(own).deleteBefore(cutoff)).isEqualTo(45000);
            long older = own.lookup(tx -> tx.one(
                            "select count(*) from events where task_id like 'task-old-%'",
                            io.aihub.store.jdbc.RowMapper.COUNT)
                    .orElseThrow());
            long newer = own.lookup(tx -> tx.one(
                            "select count(*) from events where task_id like 'task-new-%'",
                            io.aihub.store.jdbc.RowMapper.COUNT)
                    .orElseThrow());
            assertThat(older).isZero();
            assertThat(newer).isEqualTo(10);
        }
    }

    @Test
    void eventsAreReadInTransactionIdOrder_asNumbers_notAsText() throws SQLException {
        try (Connection connection = database.dataSource().getConnection()) {
            connection.setAutoCommit(false); // one transaction for the three rows
            for (String txId : new String[] {"100", "99", "1000"}) {
                try (var insert = connection.prepareStatement("""
                        insert into events (event_name, task_id, did, owner, payload, created_at, tx_id)
                        values ('task-log', ?, 'did', 'owner', '{}'::json, now(), ?::xid8)
                        """)) {
                    insert.setString(1, "task-tx-" + txId);
                    insert.setString(2, txId);
                    insert.executeUpdate();
                }
            }
            connection.commit();
        }

        List<StoredEvent> events = log.after(new EventCursor(98, -1), 10).events();

        assertThat(events).extracting(StoredEvent::taskId).startsWith("task-tx-99", "task-tx-100", "task-tx-1000");
        assertThat(events).extracting(StoredEvent::txId).startsWith(99L, 100L, 1000L);
    }

    @Test
    void anEventBehindARunningTransaction_waits_andNothingIsSkippedWhenThatTransactionCommitsLater()
            throws SQLException {
        String owner = fx.account();
        Agent agent = fx.agent(owner);
        EventCursor cursor = log.now();
        try (Connection slow = database.dataSource().getConnection()) {
            slow.setAutoCommit(false);
            // The slow transaction takes its id first, then commits last.
            slow.createStatement().execute("select pg_current_xact_id()");

            String quick = fx.task(agent, owner, "quick").task().taskId();
            EventLog.Batch held = log.after(cursor, 100);
            assertThat(held.events()).isEmpty();
            assertThat(held.waiting()).isTrue();

            try (var insert = slow.prepareStatement("""
                    insert into events (event_name, task_id, did, owner, payload, created_at)
                    values ('task-log', 'task-slow', ?, ?, '{}'::json, now())
                    """)) {
                insert.setString(1, agent.did());
                insert.setString(2, owner);
                insert.executeUpdate();
            }
            slow.commit();

            List<StoredEvent> released = log.after(cursor, 100).events();
            assertThat(released).extracting(StoredEvent::taskId).containsExactly("task-slow", quick);
        }
    }
}
