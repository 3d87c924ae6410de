package io.aihub.server;

import io.aihub.server.admin.AdminRoutes;
import io.aihub.server.agent.AgentRoutes;
import io.aihub.server.auth.Authenticator;
import io.aihub.server.auth.Tokens;
import io.aihub.server.http.ApiRouter;
import io.aihub.server.http.ErrorReplies;
import io.aihub.server.http.SystemRoutes;
import io.aihub.server.realtime.SocketGateway;
import io.aihub.server.realtime.SocketHandover;
import io.aihub.server.step.StepRoutes;
import io.aihub.server.task.TaskRoutes;
import io.aihub.store.Database;
import io.aihub.store.account.AccountStore;
import io.aihub.store.agent.AgentStore;
import io.aihub.store.work.EventLog;
import io.aihub.store.work.StepStore;
import io.aihub.store.work.TaskStore;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.security.SecureRandom;
import java.time.InstantSource;
import java.util.Base64;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A running hub: database migrated, stores wired, HTTP listening. */
public final class Hub implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Hub.class);
    private static final String SIGNING_KEY_SETTING = "signing_key";

    private final Vertx vertx;
    private final Database database;
    private final SocketGateway gateway;
    private final TaskStore tasks;
    private final StepStore steps;
    private final ApiVerticle api;
    private final String adminToken;
    private final boolean adminTokenGenerated;
    private final Router router;

    private Hub(Vertx vertx, Database database, SocketGateway gateway, TaskStore tasks, StepStore steps,
                ApiVerticle api, Router router, String adminToken, boolean adminTokenGenerated) {
        this.vertx = vertx;
        this.database = database;
        this.gateway = gateway;
        this.tasks = tasks;
        this.steps = steps;
        this.api = api;
        this.router = router;
        this.adminToken = adminToken;
        this.adminTokenGenerated = adminTokenGenerated;
    }

    /** Opens and migrates the database, then listens; returns once the port is bound. */
    public static Hub start(HubConfig config, InstantSource clock) throws Exception {
        Database database = Database.open(config.database());
        Vertx vertx = null;
        SocketGateway gateway = null;
        TaskStore tasks = null;
        StepStore steps = null;
        try {
            AccountStore accounts = new AccountStore(database, clock);
            String signingKey = config.signingKey()
                    .orElseGet(() -> accounts.settingOrInit(SIGNING_KEY_SETTING, randomSecret()));
            String adminToken = config.adminToken().orElseGet(Hub::randomSecret);
            Tokens tokens = new Tokens(signingKey, clock);
            Authenticator auth = new Authenticator(tokens, accounts, adminToken);
            AgentStore agents = new AgentStore(database, clock);
            tasks = new TaskStore(database, clock);
            steps = new StepStore(database, clock);
            ApiRouter.Handlers handlers = new ApiRouter.Handlers(
                    new SystemRoutes(database),
                    new AdminRoutes(auth, accounts, tokens),
                    new AgentRoutes(auth, agents, tokens, config.publicUrl()),
                    new TaskRoutes(auth, tasks),
                    new StepRoutes(auth, steps),
                    new ErrorReplies(config.maxBodyBytes()));
            gateway = new SocketGateway(new SocketGateway.Wiring(auth, agents, tasks, steps, new EventLog(database),
                    config.database().jdbcUrl(), config.maxBodyBytes()));
            gateway.start();
            vertx = Vertx.vertx(new VertxOptions().setWorkerPoolSize(config.database().poolSize() + 4));
            Router router = ApiRouter.create(vertx, handlers, config.maxBodyBytes());
            ApiVerticle api = new ApiVerticle(config.port(), config.extraPorts(), router, gateway.handover());
            vertx.deployVerticle(api).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            Hub hub = new Hub(vertx, database, gateway, tasks, steps, api, router, adminToken,
                    config.adminToken().isEmpty());
            hub.warmUpSockets();
            return hub;
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            if (vertx != null) {
                vertx.close();
            }
            if (gateway != null) {
                gateway.close();
            }
            if (tasks != null) {
                tasks.close();
            }
            if (steps != null) {
                steps.close();
            }
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

    /** Sockets open on this node, for tests that check none is left behind. */
    int openSockets() {
        return gateway.openSockets();
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
            WebSocket socket = client.newWebSocketBuilder().buildAsync(uri, new WebSocket.Listener() { })
                    .get(10, TimeUnit.SECONDS);
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "warm-up").get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("Socket.IO warm-up failed: {}", e.toString());
        }
    }

    @Override
    public void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        gateway.close();
        tasks.close();
        steps.close();
        database.close();
    }

    private static String randomSecret() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
