package io.aihub.server;

import io.aihub.server.admin.AdminAgentRoutes;
import io.aihub.server.admin.AdminRoutes;
import io.aihub.server.agent.AgentRoutes;
import io.aihub.server.auth.Authenticator;
import io.aihub.server.auth.Tokens;
import io.aihub.server.dashboard.DashboardRoutes;
import io.aihub.server.delivery.EventDispatcher;
import io.aihub.server.delivery.EventRetention;
import io.aihub.server.http.BodyBudget;
import io.aihub.server.http.ConnectionGuard;
import io.aihub.server.http.CredentialGate;
import io.aihub.server.http.ErrorReplies;
import io.aihub.server.http.Readiness;
import io.aihub.server.http.StartingReplies;
import io.aihub.server.http.SystemRoutes;
import io.aihub.server.metrics.DeliveryMetrics;
import io.aihub.server.metrics.HttpMetrics;
import io.aihub.server.metrics.HubMetrics;
import io.aihub.server.metrics.MetricsPort;
import io.aihub.server.realtime.SocketGateway;
import io.aihub.server.realtime.SocketHandover;
import io.aihub.server.step.StepRoutes;
import io.aihub.server.task.TaskRoutes;
import io.aihub.server.upkeep.MemoryAfterBurst;
import io.aihub.server.upkeep.StepRescuer;
import io.aihub.server.upkeep.TaskRetention;
import io.aihub.store.account.AccountStore;
import io.aihub.store.agent.AgentStore;
import io.aihub.store.jdbc.Database;
import io.aihub.store.outbox.EventLog;
import io.aihub.store.task.FinishedTasks;
import io.aihub.store.task.LifecycleWrites;
import io.aihub.store.task.StepRescue;
import io.aihub.store.task.StepStore;
import io.aihub.store.task.TaskStore;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** A running hub: database migrated, stores wired, HTTP listening. */
public final class Hub implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Hub.class);
    private static final String SIGNING_KEY_SETTING = "signing_key";

    private final Vertx vertx;
    private final Database database;
    private final Running running;
    private final SocketGateway gateway;
    private final ApiVerticle api;
    private final Router router;
    private final Readiness readiness;
    private final Duration shutdown;
    private final int metricsPort;
    private final String adminToken;
    private final boolean adminTokenGenerated;

    private Hub(
            Vertx vertx,
            Database database,
            Running running,
            SocketGateway gateway,
            ApiVerticle api,
            Router router,
            Readiness readiness,
            HubConfig config,
            Wired wired,
            int metricsPort) {
        this.metricsPort = metricsPort;
        this.vertx = vertx;
        this.database = database;
        this.running = running;
        this.gateway = gateway;
        this.api = api;
        this.router = router;
        this.readiness = readiness;
        this.shutdown = config.shutdown();
        this.adminToken = wired.adminToken();
        this.adminTokenGenerated = config.adminToken().isEmpty();
    }

    /** What runs besides the HTTP server, closed in reverse order of start. */
    private static final class Running implements AutoCloseable {
        private final Deque<AutoCloseable> started = new ArrayDeque<>();

        <T extends AutoCloseable> T add(T part) {
            started.push(part);
            return part;
        }

        @Override
        public void close() {
            for (AutoCloseable part; (part = started.poll()) != null; ) {
                try {
                    part.close();
                } catch (Exception e) {
                    LOG.warn("stopping {} failed: {}", part.getClass().getSimpleName(), e.toString());
                }
            }
        }
    }

    /**
     * Listens at once (answering only its health), then waits for, migrates and opens the database and
     * wires the API; returns once the hub is ready.
     */
    public static Hub start(HubConfig config, InstantSource clock) throws Exception {
        Readiness readiness = new Readiness();
        Vertx vertx = Vertx.vertx(
                new VertxOptions().setWorkerPoolSize(config.database().poolSize() + 4));
        ConnectionGuard connections = new ConnectionGuard(vertx, config.http());
        ApiVerticle api =
                new ApiVerticle(config.port(), config.extraPorts(), connections, new StartingReplies(readiness));
        Running running = new Running();
        HubMetrics metrics = new HubMetrics();
        metrics.bindConnections(connections);
        Database database = null;
        try {
            awaitDeployed(vertx, api);
            int metricsPort = config.metricsPort().isEmpty()
                    ? -1
                    : await(MetricsPort.listen(vertx, config.metricsPort().get(), metrics))
                            .actualPort();
            readiness.starting("reaching and migrating the database at "
                    + config.database().serverAddress());
            database = Database.open(config.database(), metrics.registry());
            readiness.starting("wiring the API");
            Wired wired = wire(config, clock, database, readiness, running, metrics);
            Router router = ApiRouter.create(
                    vertx,
                    new ApiRouter.Guards(
                            connections,
                            new CredentialGate(wired.auth()),
                            new BodyBudget(config.http()),
                            config.http().maxBodyBytes()),
                    wired.handlers(),
                    new HttpMetrics(metrics.registry()));
            api.serve(router, wired.gateway().handover(connections));
            Hub hub = new Hub(
                    vertx, database, running, wired.gateway(), api, router, readiness, config, wired, metricsPort);
            hub.warmUpSockets();
            readiness.ready();
            return hub;
        } catch (Exception e) {
            vertx.close();
            running.close();
            if (database != null) {
                database.close();
            }
            throw e;
        }
    }

    /** What {@link #wire} made: the parts the HTTP side needs. */
    private record Wired(Authenticator auth, SocketGateway gateway, ApiRouter.Handlers handlers, String adminToken) {}

    /** The stores, the Socket.IO gateway, event delivery and upkeep, started; and the route handlers. */
    private static Wired wire(
            HubConfig config,
            InstantSource clock,
            Database database,
            Readiness readiness,
            Running running,
            HubMetrics metrics) {
        AccountStore accounts = new AccountStore(database, clock);
        String signingKey =
                config.signingKey().orElseGet(() -> accounts.settingOrInit(SIGNING_KEY_SETTING, randomSecret()));
        String adminToken = config.adminToken().orElseGet(Hub::randomSecret);
        Tokens tokens = new Tokens(signingKey, clock);
        Authenticator auth = new Authenticator(tokens, accounts, adminToken, config.rateLimit());
        auth.bindCaches(metrics.registry());
        AgentStore agents = new AgentStore(database, clock);
        LifecycleWrites writes = running.add(new LifecycleWrites(database, clock));
        TaskStore tasks = running.add(new TaskStore(database, clock, config.tasks(), writes));
        StepStore steps = new StepStore(database, clock, config.tasks(), writes);
        SocketGateway gateway = running.add(new SocketGateway(new SocketGateway.Wiring(
                auth, agents, tasks, steps, config.http().maxBodyBytes(), config.sockets())));
        gateway.start();
        EventLog events = new EventLog(database);
        DeliveryMetrics delivery = new DeliveryMetrics(metrics.registry());
        EventDispatcher dispatcher = running.add(new EventDispatcher(
                database, events, event -> delivery.deliver(event, gateway::deliver), config.deliveryStall()));
        dispatcher.start();
        metrics.bindSockets(gateway);
        metrics.bindBatches(writes.batches());
        metrics.bindBatches(tasks.historyBatches());
        metrics.bindOutboxBacklog(events, dispatcher);
        running.add(new EventRetention(events, clock)).start();
        running.add(new TaskRetention(new FinishedTasks(database, clock), clock, config.keepTasks()))
                .start();
        running.add(new StepRescuer(new StepRescue(database, clock, config.leases()), metrics.registry()))
                .start();
        running.add(new MemoryAfterBurst(() -> writes.batches().totals().requests() + gateway.socketsConnected()))
                .start();
        ApiRouter.Handlers handlers = new ApiRouter.Handlers(
                new SystemRoutes(database, dispatcher, readiness),
                new AdminRoutes(auth, accounts, tokens, metrics),
                new AdminAgentRoutes(auth, accounts, agents, tasks),
                new AgentRoutes(auth, agents, tasks, tokens, config.publicUrl()),
                new TaskRoutes(auth, tasks),
                new StepRoutes(auth, steps),
                new ErrorReplies(config.http().maxBodyBytes()),
                new DashboardRoutes());
        return new Wired(auth, gateway, handlers, adminToken);
    }

    /** Deploys the HTTP server; a port that cannot be bound fails with the message that names it. */
    private static void awaitDeployed(Vertx vertx, ApiVerticle api) throws Exception {
        await(vertx.deployVerticle(api));
    }

    /** Waits for {@code future}; a refusal is thrown as it was given. */
    private static <T> T await(io.vertx.core.Future<T> future) throws Exception {
        try {
            return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException refused ? refused : e;
        }
    }

    public int port() {
        return api.actualPort();
    }

    /** The port Prometheus scrapes, or -1 when metrics are off. */
    public int metricsPort() {
        return metricsPort;
    }

    public String adminToken() {
        return adminToken;
    }

    boolean adminTokenGenerated() {
        return adminTokenGenerated;
    }

    /** Sockets open on this node once {@code count} are, or at the timeout: for tests that check none is left behind. */
    int awaitOpenSockets(int count, java.time.Duration timeout) throws InterruptedException {
        return gateway.awaitOpenSockets(count, timeout);
    }

    /** The hub's database, for tests that take it away. */
    Database database() {
        return database;
    }

    /** The served routes, for checking the OpenAPI document against them. */
    public Router router() {
        return router;
    }

    /**
     * Opens and closes one WebSocket through the public port, so the first real client does not pay
     * for class loading and JIT of the handover and Socket.IO paths (~0.7 s otherwise).
     */
    private void warmUpSockets() {
        URI uri = URI.create("ws://127.0.0.1:" + port() + SocketHandover.PATH + "?EIO=4&transport=websocket");
        try (HttpClient client = HttpClient.newHttpClient()) {
            WebSocket socket = client.newWebSocketBuilder()
                    .buildAsync(uri, new WebSocket.Listener() {})
                    .get(10, TimeUnit.SECONDS);
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "warm-up").get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("Socket.IO warm-up failed: {}", e.toString());
        }
    }

    /**
     * Shuts down gently, within {@code HUB_SHUTDOWN_SECONDS}, logging each phase: {@code /health/ready}
     * turns 503 first, and stays so for a fifth of that time (at most 5 s) so load balancers stop
     * sending traffic while the port is still open; then the ports stop accepting connections, the
     * sockets are closed with a reason their clients log (they reconnect, to another node), the
     * requests in progress finish, and the rest stops ({@link #close}).
     */
    public void drain() throws Exception {
        long deadline = System.nanoTime() + shutdown.toNanos();
        readiness.draining();
        Duration unready = Collections.min(List.of(shutdown.dividedBy(5), Duration.ofSeconds(5)));
        LOG.info(
                "draining, at most {} s: /health/ready answers 503 from now on; the ports close in {} ms",
                shutdown.toSeconds(),
                unready.toMillis());
        Thread.sleep(unready);
        Duration left = Duration.ofNanos(deadline - System.nanoTime());
        var requestsDone = api.shutdown(left.dividedBy(2));
        int sockets = gateway.closeSockets("the hub is shutting down; reconnect");
        LOG.info(
                "draining: the ports accept no connections; closed {} sockets; finishing requests in progress",
                sockets);
        requestsDone.toCompletionStage().toCompletableFuture().get(left.toMillis(), TimeUnit.MILLISECONDS);
        LOG.info("draining: requests finished; stopping the writer, delivery and the database pool");
        close();
        LOG.info("stopped");
    }

    /** Stops at once: the ports and connections close, the parts stop, the pool closes. */
    @Override
    public void close() throws Exception {
        readiness.draining();
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        running.close();
        database.close();
    }

    private static String randomSecret() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
