package io.aihub.server;

import io.aihub.server.admin.AdminRoutes;
import io.aihub.server.agent.AgentRoutes;
import io.aihub.server.auth.Authenticator;
import io.aihub.server.auth.Tokens;
import io.aihub.server.delivery.EventDispatcher;
import io.aihub.server.delivery.EventRetention;
import io.aihub.server.http.BodyBudget;
import io.aihub.server.http.ConnectionGuard;
import io.aihub.server.http.CredentialGate;
import io.aihub.server.http.ErrorReplies;
import io.aihub.server.http.SystemRoutes;
import io.aihub.server.realtime.SocketGateway;
import io.aihub.server.realtime.SocketHandover;
import io.aihub.server.step.StepRoutes;
import io.aihub.server.task.TaskRoutes;
import io.aihub.server.upkeep.StepRescuer;
import io.aihub.server.upkeep.TaskRetention;
import io.aihub.store.account.AccountStore;
import io.aihub.store.agent.AgentStore;
import io.aihub.store.jdbc.Database;
import io.aihub.store.outbox.EventLog;
import io.aihub.store.task.FinishedTasks;
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
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Deque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A running hub: database migrated, stores wired, HTTP listening. */
public final class Hub implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Hub.class);
    private static final String SIGNING_KEY_SETTING = "signing_key";

    private final Vertx vertx;
    private final Database database;
    private final Running running;
    private final SocketGateway gateway;
    private final ApiVerticle api;
    private final String adminToken;
    private final boolean adminTokenGenerated;
    private final Router router;

    private Hub(
            Vertx vertx,
            Database database,
            Running running,
            SocketGateway gateway,
            ApiVerticle api,
            Router router,
            String adminToken,
            boolean adminTokenGenerated) {
        this.vertx = vertx;
        this.database = database;
        this.running = running;
        this.gateway = gateway;
        this.api = api;
        this.router = router;
        this.adminToken = adminToken;
        this.adminTokenGenerated = adminTokenGenerated;
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

    /** Opens and migrates the database, then listens; returns once the port is bound. */
    public static Hub start(HubConfig config, InstantSource clock) throws Exception {
        Database database = Database.open(config.database());
        Vertx vertx = null;
        Running running = new Running();
        try {
            AccountStore accounts = new AccountStore(database, clock);
            String signingKey =
                    config.signingKey().orElseGet(() -> accounts.settingOrInit(SIGNING_KEY_SETTING, randomSecret()));
            String adminToken = config.adminToken().orElseGet(Hub::randomSecret);
            Tokens tokens = new Tokens(signingKey, clock);
            Authenticator auth = new Authenticator(tokens, accounts, adminToken, config.rateLimit());
            AgentStore agents = new AgentStore(database, clock);
            TaskStore tasks = running.add(new TaskStore(database, clock, config.tasks()));
            StepStore steps = running.add(new StepStore(database, clock, config.tasks()));
            SocketGateway gateway = running.add(new SocketGateway(new SocketGateway.Wiring(
                    auth, agents, tasks, steps, config.http().maxBodyBytes(), config.sockets())));
            gateway.start();
            EventLog events = new EventLog(database);
            EventDispatcher dispatcher =
                    running.add(new EventDispatcher(database, events, gateway::deliver, config.deliveryStall()));
            dispatcher.start();
            running.add(new EventRetention(events, clock)).start();
            running.add(new TaskRetention(new FinishedTasks(database, clock), clock, config.keepTasks()))
                    .start();
            running.add(new StepRescuer(new StepRescue(database, clock, config.leases())))
                    .start();
            vertx = Vertx.vertx(
                    new VertxOptions().setWorkerPoolSize(config.database().poolSize() + 4));
            ConnectionGuard connections = new ConnectionGuard(vertx, config.http());
            ApiRouter.Guards guards = new ApiRouter.Guards(
                    connections,
                    new CredentialGate(auth),
                    new BodyBudget(config.http()),
                    config.http().maxBodyBytes());
            ApiRouter.Handlers handlers = new ApiRouter.Handlers(
                    new SystemRoutes(database, dispatcher),
                    new AdminRoutes(auth, accounts, tokens),
                    new AgentRoutes(auth, agents, tokens, config.publicUrl()),
                    new TaskRoutes(auth, tasks),
                    new StepRoutes(auth, steps),
                    new ErrorReplies(config.http().maxBodyBytes()));
            Router router = ApiRouter.create(vertx, guards, handlers);
            ApiVerticle api = new ApiVerticle(
                    config.port(), config.extraPorts(), router, gateway.handover(connections), connections);
            vertx.deployVerticle(api).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            Hub hub = new Hub(
                    vertx,
                    database,
                    running,
                    gateway,
                    api,
                    router,
                    adminToken,
                    config.adminToken().isEmpty());
            hub.warmUpSockets();
            return hub;
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            if (vertx != null) {
                vertx.close();
            }
            running.close();
            database.close();
            throw e;
        }
    }

    public int port() {
        return api.actualPort();
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

    @Override
    public void close() throws Exception {
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
