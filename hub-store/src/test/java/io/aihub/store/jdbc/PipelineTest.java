package io.aihub.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A {@link Pipeline} is one round trip, counted on the wire by a proxy between the driver and the
 * server, and its statements run in order, each seeing what the earlier ones wrote.
 */
class PipelineTest {
    private String schemaUrl;
    private TurnCounter counter;
    private Connection connection;
    private Tx tx;

    @BeforeEach
    void open() throws Exception {
        schemaUrl = TestDatabase.freshSchemaUrl();
        URI server = URI.create(schemaUrl.substring("jdbc:".length()));
        counter = new TurnCounter(server.getHost(), server.getPort() == -1 ? 5432 : server.getPort());
        String throughProxy = schemaUrl.replaceFirst("//[^/]+/", "//127.0.0.1:" + counter.port() + "/");
        connection = DriverManager.getConnection(throughProxy);
        connection.setAutoCommit(false);
        tx = new Tx(connection);
        tx.update("create table numbers (n int primary key)");
        connection.commit();
    }

    @AfterEach
    void close() throws Exception {
        connection.rollback();
        connection.close();
        counter.close();
        TestDatabase.dropSchema(schemaUrl);
    }

    @Test
    void statementsSentTogether_takeOneRoundTrip_andEachSeesWhatTheOnesBeforeItWrote() throws Exception {
        Pipeline pipeline = tx.pipeline();
        Pipeline.Rows<Integer> inserted =
                pipeline.add("insert into numbers select unnest(?::int4[]) returning n", row -> row.getInt(1), (Object)
                        new Integer[] {1, 2, 3});
        Pipeline.Rows<Integer> doubled =
                pipeline.add("update numbers set n = n * 10 where n > ? returning n", row -> row.getInt(1), 1);
        Pipeline.Rows<Long> counted =
                pipeline.add("select count(*) from numbers where n >= ? or ?::text is null", RowMapper.COUNT, 20, null);

        int before = counter.turns();
        pipeline.run();

        assertThat(counter.turns() - before).as("round trips").isEqualTo(1);
        assertThat(inserted.list()).containsExactly(1, 2, 3);
        assertThat(doubled.list()).containsExactlyInAnyOrder(20, 30);
        assertThat(counted.list()).containsExactly(3L);
    }

    @Test
    void itsStatementsRunWithCachedGenericPlans_andTheSettingIsPutBackAfterThem() throws Exception {
        tx.update("set local plan_cache_mode = force_custom_plan"); // whatever the transaction had
        for (int run = 1; run <= 7; run++) { // past the driver's threshold for server-prepared statements
            Pipeline pipeline = tx.pipeline();
            Pipeline.Rows<String> mode =
                    pipeline.add("select current_setting('plan_cache_mode')", row -> row.getString(1));
            pipeline.run();

            assertThat(mode.list()).as("run %d", run).containsExactly("force_generic_plan");
            assertThat(tx.list("select current_setting('plan_cache_mode')", row -> row.getString(1)))
                    .containsExactly("force_custom_plan");
        }
        for (int run = 1; run <= 8; run++) {
            Pipeline pipeline = tx.pipeline();
            pipeline.add("select n from numbers where n = ?", row -> row.getInt(1), run);
            pipeline.run();
        }
        record Plans(long generic, long custom) {}
        assertThat(tx.list("""
                        select generic_plans, custom_plans from pg_prepared_statements
                        where statement like '%from numbers where n =%' and statement not like '%pg_prepared%'
                        """, row -> new Plans(row.getLong(1), row.getLong(2))))
                .as("prepared on the server once the driver's threshold was reached, then run on its generic plan")
                .singleElement()
                .satisfies(plans -> {
                    assertThat(plans.generic()).isPositive();
                    assertThat(plans.custom()).isZero();
                });
    }

    @Test
    void theSameStatementsOneByOne_takeOneRoundTripEach() throws Exception {
        int before = counter.turns();
        tx.list("insert into numbers values (1) returning n", row -> row.getInt(1));
        tx.list("select count(*) from numbers", RowMapper.COUNT);

        assertThat(counter.turns() - before).isEqualTo(2);
    }

    @Test
    void aFailingStatement_stopsTheOnesAfterIt_andIsThrown() throws Exception {
        Pipeline pipeline = tx.pipeline();
        pipeline.add("insert into numbers values (7) returning n", row -> row.getInt(1));
        pipeline.add("insert into numbers values (7) returning n", row -> row.getInt(1));
        Pipeline.Rows<Integer> after = pipeline.add("insert into numbers values (8) returning n", row -> row.getInt(1));

        assertThatThrownBy(pipeline::run)
                .isInstanceOfSatisfying(
                        SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("23505"));
        assertThatThrownBy(after::list).isInstanceOf(IllegalStateException.class);
        connection.rollback();
        assertThat(tx.list("select n from numbers", row -> row.getInt(1))).isEmpty();
    }

    @Test
    void aPipelineThatCommits_takesOneRoundTrip_andEndsTheTransaction() throws Exception {
        Pipeline last = tx.pipeline();
        Pipeline.Rows<Integer> inserted =
                last.add("insert into numbers values (?) returning n", row -> row.getInt(1), 5);

        int before = counter.turns();
        last.runAndCommit();

        assertThat(counter.turns() - before)
                .as("round trips, the commit included")
                .isEqualTo(1);
        assertThat(inserted.list()).containsExactly(5);
        assertThat(tx.isCommitted()).isTrue();
        try (Connection other = DriverManager.getConnection(schemaUrl)) {
            assertThat(new Tx(other).list("select n from numbers", row -> row.getInt(1)))
                    .as("seen from another connection")
                    .containsExactly(5);
        }
        assertThatThrownBy(() -> tx.list("select n from numbers", row -> row.getInt(1)))
                .as("a statement after the commit would begin a transaction nobody commits")
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aPipelineThatCommits_commitsNothingWhenOneOfItsStatementsFails() throws Exception {
        tx.update("insert into numbers values (1)");
        Pipeline last = tx.pipeline();
        last.add("insert into numbers values (2) returning n", row -> row.getInt(1));
        last.add("insert into numbers values (1) returning n", row -> row.getInt(1));

        assertThatThrownBy(last::runAndCommit)
                .isInstanceOfSatisfying(
                        SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("23505"));
        assertThat(tx.isCommitted()).isFalse();
        connection.rollback();
        assertThat(tx.list("select n from numbers", row -> row.getInt(1))).isEmpty();
    }

    @Test
    void aCommitThatFails_leavesNothingWritten_andTheTransactionUncommitted() throws Exception {
        tx.update("create table pairs (n int, constraint one_each unique (n) deferrable initially deferred)");
        connection.commit();
        Pipeline last = tx.pipeline();
        last.add("insert into pairs values (1), (1) returning n", row -> row.getInt(1)); // checked at commit

        assertThatThrownBy(last::runAndCommit)
                .isInstanceOfSatisfying(
                        SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("23505"));
        assertThat(tx.isCommitted()).isFalse();
        connection.rollback();
        assertThat(tx.list("select count(*) from pairs", RowMapper.COUNT)).containsExactly(0L);
    }

    @Test
    void aCommittingPipeline_runsAgainAndAgain_oncePreparedOnTheServer_andTransactionsAfterItStillRollBack()
            throws Exception {
        for (int run = 1; run <= 8; run++) { // past the driver's threshold for server-prepared statements
            Tx each = new Tx(connection);
            Pipeline last = each.pipeline();
            last.add("insert into numbers values (?) returning n", row -> row.getInt(1), run);
            last.runAndCommit();
            assertThat(each.isCommitted()).isTrue();
        }
        tx = new Tx(connection);
        tx.update("insert into numbers values (100)");
        connection.rollback();

        assertThat(tx.list("select count(*) from numbers", RowMapper.COUNT)).containsExactly(8L);
    }

    @Test
    void anEmptyPipeline_sendsNothing() throws Exception {
        int before = counter.turns();
        Pipeline pipeline = tx.pipeline();
        pipeline.run();

        assertThat(pipeline.isEmpty()).isTrue();
        assertThat(counter.turns()).isEqualTo(before);
        assertThat(tx.list("select 1", row -> row.getInt(1))).isEqualTo(List.of(1));
    }

    /**
     * A TCP proxy for one connection that counts the turns the client takes: each time it sends after
     * the server has answered (or for the first time), one round trip begins.
     */
    private static final class TurnCounter implements AutoCloseable {
        private final ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        private final AtomicInteger turns = new AtomicInteger();
        private volatile boolean serverSpokeLast = true;
        private volatile Socket client;
        private volatile Socket server;

        TurnCounter(String host, int port) throws IOException {
            Thread.ofPlatform().daemon().start(() -> {
                try {
                    client = listener.accept();
                    server = new Socket(host, port);
                    Thread.ofPlatform().daemon().start(() -> copy(server, client, false));
                    copy(client, server, true);
                } catch (IOException ignored) { // closed by the test
                }
            });
        }

        int port() {
            return listener.getLocalPort();
        }

        /** Turns taken so far; waits until the server's last answer has passed the proxy. */
        int turns() throws InterruptedException {
            Thread.sleep(50); // the driver has read the answer; let the proxy's threads settle
            return turns.get();
        }

        private void copy(Socket from, Socket to, boolean fromClient) {
            byte[] buffer = new byte[64 * 1024];
            try (InputStream in = from.getInputStream();
                    OutputStream out = to.getOutputStream()) {
                for (int read; (read = in.read(buffer)) != -1; ) {
                    if (fromClient && serverSpokeLast) {
                        turns.incrementAndGet();
                    }
                    serverSpokeLast = !fromClient;
                    out.write(buffer, 0, read);
                    out.flush();
                }
            } catch (IOException ignored) { // one side closed
            }
        }

        @Override
        public void close() throws IOException {
            listener.close();
            for (Socket socket : new Socket[] {client, server}) {
                if (socket != null) {
                    socket.close();
                }
            }
        }
    }
}
