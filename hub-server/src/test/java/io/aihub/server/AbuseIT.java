package io.aihub.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.aihub.server.HubClient.Account;
import io.aihub.store.jdbc.TestDatabase;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The attacks of an abuse review, each against the built {@code hub.jar} in a process of its own with a
 * small heap (256 MiB, where one of these attacks used to need gigabytes), while a victim tenant uses
 * the hub: its requests and its worker's events must keep their normal latency during and after each
 * attack, the hub's memory must stay bounded, and it must never run out of memory.
 */
class AbuseIT {
    private static final String ADMIN = "abuse-admin-token-0123456789";
    /** Far above what the victim's round takes on an idle machine (milliseconds), far below a client timeout. */
    private static final Duration NORMAL = Duration.ofSeconds(3);

    private static final double MEMORY_BOUND_MIB = 600;
    private static final List<String> SMALL_HEAP = List.of("-Xmx256m", "-XX:+UseSerialGC", "-Xms32m");

    private static String databaseUrl;

    @BeforeAll
    static void database() {
        databaseUrl = TestDatabase.freshSchemaUrl();
    }

    @AfterAll
    static void dropDatabase() {
        TestDatabase.dropSchema(databaseUrl);
    }

    @Test
    void anonymousClientsSendingLargeBodies_areRefusedFromTheirHeaders_andTheHeapIsNeverFilled() throws Exception {
        try (HubProcess hub = start("hub-bodies", Map.of(), 0);
                Victim victim = Victim.on(hub);
                Attack attack = new Attack(1100)) {
            byte[] chunk = new byte[64 * 1024];
            for (int i = 0; i < 1100; i++) {
                attack.run(() -> {
                    try (RawTcp connection = RawTcp.open(hub.port())) {
                        connection.write("POST /api/v1/agents/did/tasks HTTP/1.1\r\nHost: x\r\n"
                                + "Content-Type: application/json\r\nContent-Length: 1048576\r\n\r\n");
                        attack.moved();
                        for (int sent = 0; sent < 1048574 - chunk.length; sent += chunk.length) {
                            connection.write(chunk);
                        }
                        attack.hold();
                    }
                });
            }

            victim.roundsDuring(attack, 5);
            attack.stop();
            victim.round();
            assertBounded(hub);
        }
    }

    @Test
    void idleAndTricklingConnectionsPastTheDescriptorLimit_neverKeepHealthOrAVictimWaiting() throws Exception {
        try (HubProcess hub = start("hub-descriptors", Map.of(), 1024);
                Victim victim = Victim.on(hub);
                Attack attack = new Attack(1150)) {
            for (int i = 0; i < 1100; i++) { // more idle connections than the hub has descriptors
                attack.run(() -> {
                    try (RawTcp idle = RawTcp.open(hub.port())) {
                        attack.moved();
                        attack.hold();
                    }
                });
            }
            for (int i = 0; i < 50; i++) { // slowloris: a header byte every half second
                attack.run(() -> {
                    while (attack.going()) {
                        try (RawTcp slow = RawTcp.open(hub.port())) {
                            slow.write("GET /health HTTP/1.1\r\nHost: x\r\n");
                            attack.moved();
                            while (attack.going() && !slow.isClosedByPeer()) {
                                slow.write("X");
                                attack.pause(Duration.ofMillis(500));
                            }
                        } catch (IOException cutOff) {
                            // closed by the hub: open another
                        }
                    }
                });
            }

            victim.roundsDuring(attack, 10);
            attack.stop();
            victim.round();
            assertBounded(hub);
        }
    }

    @Test
    void aSocketThatNeverReadsWhileAskingForLargeReplays_isClosed_andEveryoneElseKeepsTheirEvents() throws Exception {
        try (HubProcess hub = start("hub-not-reading", Map.of(), 0);
                Victim victim = Victim.on(hub);
                Attack attack = new Attack(1)) {
            HubClient client = new HubClient(hub.url(), ADMIN);
            Account creator = client.account("creator");
            String taskId = client.task(creator.apiKey(), victim.did, "a task with a long log")
                    .at("/task/task_id")
                    .asText();
            try (RawSocket logger = RawSocket.open(hub.port())) {
                logger.connect("Bearer " + creator.apiKey());
                logger.await("_connected");
                for (int i = 0; i < 100; i++) {
                    logger.emit("_task-log", Map.of("task_id", taskId, "message", i + " " + "x".repeat(60_000)));
                }
                logger.emit("_join-tasks", Map.of("tasks", List.of(taskId), "history", false));
                logger.await("_join-tasks_", Duration.ofSeconds(30), new ArrayList<>()); // after the 100 logs
            }
            victim.skipEvents();

            attack.run(() -> {
                try (RawTcp greedy = RawTcp.openNotReading(hub.port())) {
                    greedy.upgradeToSocketIo();
                    greedy.sendFrame("40{\"token\":\"Bearer " + creator.apiKey() + "\"}");
                    try {
                        for (int i = 0; i < 400 && attack.going(); i++) {
                            greedy.sendFrame("42[\"_join-tasks\",{\"tasks\":[\"" + taskId + "\"]}]");
                        }
                    } finally {
                        attack.moved(); // all sent, or cut off by the hub
                    }
                    attack.hold();
                }
            });

            victim.roundsDuring(attack, 5);
            assertThat(hub.awaitLogged("has not read the last", Duration.ofSeconds(30)))
                    .as("the greedy socket was closed")
                    .isNotEmpty();
            attack.stop();
            victim.round();
            assertBounded(hub);
        }
    }

    @Test
    void aSocketFloodingCostlyEventsWithoutWaiting_queuesBoundedWork_andEveryoneElseKeepsTheirEvents()
            throws Exception {
        try (HubProcess hub = start("hub-inbound-flood", Map.of(), 0);
                Victim victim = Victim.on(hub);
                Attack attack = new Attack(1)) {
            HubClient client = new HubClient(hub.url(), ADMIN);
            Account flooder = client.account("flooder");
            String taskId = client.task(flooder.apiKey(), victim.did, "mine")
                    .at("/task/task_id")
                    .asText();
            victim.skipEvents();
            // Log lines of 60 KB for a task of its own: each costs the hub a transaction (refused once the task
            // is full), far longer than reading the frame takes.
            String line =
                    "42[\"_task-log\",{\"task_id\":\"" + taskId + "\",\"message\":\"" + "x".repeat(60_000) + "\"}]";
            AtomicInteger sent = new AtomicInteger();
            CountDownLatch offered = new CountDownLatch(1);
            attack.run(() -> {
                try (RawTcp flood = RawTcp.openNotReading(hub.port())) {
                    flood.upgradeToSocketIo();
                    flood.sendFrame("40{\"token\":\"Bearer " + flooder.apiKey() + "\"}");
                    attack.moved();
                    while (attack.going()) {
                        flood.sendFrame(line);
                        if (sent.incrementAndGet() == 20_000) {
                            offered.countDown(); // 1.2 GB: only a hub that stopped reading is still standing
                        }
                    }
                }
            });

            offered.await(10, TimeUnit.SECONDS); // all of it, or the hub stopped reading (the flooder blocks)
            assertBounded(hub);
            victim.roundsDuring(attack, 5);
            attack.stop();
            victim.round();
            assertBounded(hub);
        }
    }

    private static HubProcess start(String name, Map<String, String> environment, int openFiles) throws Exception {
        return HubProcess.start(name, databaseUrl, ADMIN, new HubProcess.Options(SMALL_HEAP, environment, openFiles));
    }

    private static void assertBounded(HubProcess hub) throws IOException {
        assertThat(hub.isAlive()).isTrue();
        assertThat(hub.logged("OutOfMemoryError"))
                .as("the hub ran out of memory")
                .isEmpty();
        assertThat(hub.residentMiB()).as("the hub's resident memory, MiB").isLessThan(MEMORY_BOUND_MIB);
    }

    /** A tenant minding its own business: a builder with a worker socket on its agent, and a subscriber. */
    private static final class Victim implements AutoCloseable {
        final String url;
        final Account builder;
        final Account user;
        final String did;
        final RawSocket worker;

        private Victim(String url, Account builder, Account user, String did, RawSocket worker) {
            this.url = url;
            this.builder = builder;
            this.user = user;
            this.did = did;
            this.worker = worker;
        }

        static Victim on(HubProcess hub) throws Exception {
            HubClient client = new HubClient(hub.url(), ADMIN);
            Account builder = client.account("victim-builder");
            Account user = client.account("victim-user");
            String did = client.agent(builder);
            RawSocket worker = RawSocket.worker(hub.port(), builder.apiKey(), did);
            return new Victim(hub.url(), builder, user, did, worker);
        }

        /** One round trip of the victim's work: health, a new task, its worker's step-updated. */
        Duration round() throws Exception {
            long started = System.nanoTime();
            HubClient fresh = new HubClient(url, ADMIN); // a new connection, as a new client would open
            assertThat(fresh.get("/health", null).status()).isEqualTo(200);
            String stepId = fresh.task(user.apiKey(), did, "victim's work")
                    .at("/steps/0/step_id")
                    .asText();
            List<String> others = new ArrayList<>();
            String delivered;
            do {
                delivered = worker.await("step-updated", NORMAL, others)
                        .payload()
                        .get("step_id")
                        .asText();
            } while (!delivered.equals(stepId));
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            assertThat(took).as("the victim's round").isLessThan(NORMAL);
            return took;
        }

        void roundsDuring(Attack attack, int rounds) throws Exception {
            attack.awaitUnderWay();
            for (int i = 0; i < rounds; i++) {
                round();
            }
        }

        /** Forgets the step-updated events of tasks the test itself created. */
        void skipEvents() throws InterruptedException {
            while (worker.next(Duration.ofMillis(300)) != null) {
                // drained
            }
        }

        @Override
        public void close() {
            worker.close();
        }
    }

    /** Clients of the attack, each on a virtual thread, stopped together. */
    private static final class Attack implements AutoCloseable {
        private final ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor();
        private final CountDownLatch stopped = new CountDownLatch(1);
        private final CountDownLatch underWay;

        /** @param clients how many clients must have made their first move before the victim starts */
        Attack(int clients) {
            this.underWay = new CountDownLatch(clients);
        }

        interface Client {
            void run() throws Exception;
        }

        void run(Client client) {
            clients.execute(() -> {
                try {
                    client.run();
                } catch (Exception refusedOrCut) {
                    // the hub refused or closed it: that is the point
                }
            });
        }

        boolean going() {
            return stopped.getCount() > 0;
        }

        /** Keeps a client's connection as it is until the attack stops. */
        void hold() throws InterruptedException {
            stopped.await();
        }

        void pause(Duration duration) throws InterruptedException {
            stopped.await(duration.toMillis(), TimeUnit.MILLISECONDS);
        }

        /** A client has made its first move (connected, sent its head, its first frame). */
        void moved() {
            underWay.countDown();
        }

        /** Waits until every client has made its first move (or 30 s, if the hub refuses some of them first). */
        void awaitUnderWay() throws InterruptedException {
            underWay.await(30, TimeUnit.SECONDS);
        }

        void stop() throws InterruptedException {
            stopped.countDown();
            clients.shutdownNow();
            clients.awaitTermination(30, TimeUnit.SECONDS);
        }

        @Override
        public void close() throws InterruptedException {
            stop();
        }
    }
}
