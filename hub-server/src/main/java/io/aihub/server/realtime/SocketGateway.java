package io.aihub.server.realtime;

import com.corundumstudio.socketio.Configuration;
import com.corundumstudio.socketio.SocketConfig;
import com.corundumstudio.socketio.SocketIOClient;
import com.corundumstudio.socketio.SocketIOServer;
import com.corundumstudio.socketio.Transport;
import com.fasterxml.jackson.databind.JsonNode;
import io.aihub.protocol.ApiError;
import io.aihub.protocol.ProtocolEvent;
import io.aihub.server.auth.Authenticator;
import io.aihub.server.http.ConnectionGuard;
import io.aihub.server.json.HubJson;
import io.aihub.server.json.JsonInput;
import io.aihub.store.agent.AgentStore;
import io.aihub.store.outbox.StoredEvent;
import io.aihub.store.task.StepStore;
import io.aihub.store.task.TaskStore;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Socket.IO side of the protocol: netty-socketio serving the public port's {@code /socket.io/}
 * upgrades (handed over by {@link SocketHandover}), the handshake, the inbound events, and the rooms
 * that committed events are delivered to ({@link #deliver}, fed by the event dispatcher).
 */
public final class SocketGateway implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SocketGateway.class);
    private static final Duration AUTH_DEADLINE = Duration.ofSeconds(5);
    /** How often connected sockets' keys are checked again: a revoked key loses its sockets within this. */
    static final Duration KEY_CHECK_EVERY = Duration.ofSeconds(5);

    private final SocketIOServer server;
    private final GatewayChannels channels;
    private final ExecutorService work = Executors.newVirtualThreadPerTaskExecutor();
    private final SocketSession.Shared sessions;
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("hub-socket-timers").daemon().factory());
    private final Handshake handshake;
    private final Authenticator authenticator;
    private final Object socketsChanged = new Object();
    private final LongAdder connected = new LongAdder();
    private final EndedTaskRooms endedTaskRooms =
            new EndedTaskRooms(this::emptyTaskRoom, System::nanoTime, EndedTaskRooms.GRACE);

    /** The stores and settings the gateway needs. */
    public record Wiring(
            Authenticator authenticator,
            AgentStore agents,
            TaskStore tasks,
            StepStore steps,
            int maxPayloadBytes,
            SocketLimits limits) {}

    public SocketGateway(Wiring wiring) {
        this.channels = new GatewayChannels(wiring.limits().outboundBufferBytes());
        this.sessions = new SocketSession.Shared(
                work,
                channels,
                wiring.limits(),
                new AccountSockets(wiring.limits().socketsPerAccount()));
        Configuration config = new Configuration();
        // netty-socketio also listens itself; on loopback only: public sockets arrive through the handover.
        config.setHostname("127.0.0.1");
        config.setPort(freeLoopbackPort());
        config.setTransports(Transport.WEBSOCKET);
        config.setPingInterval(25_000);
        config.setPingTimeout(20_000);
        config.setMaxFramePayloadLength(wiring.maxPayloadBytes());
        config.setMaxHttpContentLength(wiring.maxPayloadBytes());
        // permessage-deflate keeps ~120 KiB of native zlib state per socket (measured); events are small.
        config.setWebsocketCompression(false);
        // a session id of the hub's choosing, never one a client names in an `io` header or cookie
        config.setRandomSession(true);
        config.setBossThreads(1);
        config.setWorkerThreads(1);
        SocketConfig socket = new SocketConfig();
        socket.setReuseAddress(true);
        socket.setTcpNoDelay(true);
        config.setSocketConfig(socket);
        this.server = new SocketIOServer(config);
        server.setPipelineFactory(channels);
        this.authenticator = wiring.authenticator();
        this.handshake = new Handshake(wiring.authenticator(), sessions, timers, AUTH_DEADLINE);

        server.getNamespace("").addAuthTokenListener(handshake);
        server.addConnectListener(handshake::onConnect);
        server.addConnectListener(client -> {
            connected.increment();
            socketsChanged();
        });
        server.addDisconnectListener(client -> {
            SocketSession session = SocketSession.existing(client);
            if (session != null) {
                session.closed();
            }
            socketsChanged();
        });
        InboundEvents inbound = new InboundEvents(
                wiring.agents(),
                wiring.tasks(),
                wiring.steps(),
                endedTaskRooms,
                wiring.limits().roomsPerSocket(),
                work);
        for (ProtocolEvent event : ProtocolEvent.values()) {
            if (event.route() == ProtocolEvent.Route.INBOUND) {
                on(event, inbound.handlingOf(event));
            }
        }
    }

    /** Starts netty-socketio, the periodic check of connected sockets' keys and the emptying of ended tasks' rooms. */
    public void start() {
        server.start();
        timers.scheduleWithFixedDelay(
                () -> work.execute(this::closeSocketsOfRevokedKeys),
                KEY_CHECK_EVERY.toMillis(),
                KEY_CHECK_EVERY.toMillis(),
                TimeUnit.MILLISECONDS);
        timers.scheduleWithFixedDelay(
                this::emptyEndedTaskRooms,
                EndedTaskRooms.CHECK_EVERY.toMillis(),
                EndedTaskRooms.CHECK_EVERY.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    private void emptyEndedTaskRooms() {
        try {
            endedTaskRooms.emptyDue();
        } catch (RuntimeException bug) { // a periodic task that throws is never run again
            LOG.error("emptying the rooms of ended tasks failed; trying again shortly", bug);
        }
    }

    private void emptyTaskRoom(String taskId) {
        String room = Rooms.task(taskId);
        for (SocketIOClient client : server.getRoomOperations(room).getClients()) {
            client.leaveRoom(room);
        }
    }

    /** Keys are checked at the handshake and then every few seconds: a revoked key's sockets are closed. */
    private void closeSocketsOfRevokedKeys() {
        Map<String, List<SocketSession>> byKey = new HashMap<>();
        for (SocketIOClient client : server.getAllClients()) {
            SocketSession session = SocketSession.existing(client);
            if (session != null && session.isAuthenticated()) {
                byKey.computeIfAbsent(session.caller().keyId(), key -> new ArrayList<>())
                        .add(session);
            }
        }
        if (byKey.isEmpty()) {
            return;
        }
        try {
            Set<String> active = authenticator.activeKeys(byKey.keySet());
            byKey.forEach((keyId, sessions) -> {
                if (!active.contains(keyId)) {
                    sessions.forEach(session -> handshake.revoke(session));
                }
            });
        } catch (ApiError unavailable) {
            LOG.warn("could not re-check socket keys: {}", unavailable.getMessage());
        }
    }

    /**
     * Closes the sockets on this node's public ports with a reason their clients log, so that they
     * reconnect elsewhere; returns how many there were.
     */
    public int closeSockets(String reason) {
        return channels.closeAll(reason);
    }

    /** Sockets that have connected to this node since it started. */
    public long socketsConnected() {
        return connected.sum();
    }

    /** Sockets netty-socketio holds on this node, authenticated or not. */
    public int openSockets() {
        return server.getAllClients().size();
    }

    /**
     * Waits until {@code count} sockets are open on this node, woken by every connect and disconnect
     * (netty-socketio updates its registry before it tells its listeners), or until the timeout.
     *
     * @return the sockets open when it returns
     */
    public int awaitOpenSockets(int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (socketsChanged) {
            for (long left = timeout.toNanos();
                    openSockets() != count && left > 0;
                    left = deadline - System.nanoTime()) {
                TimeUnit.NANOSECONDS.timedWait(socketsChanged, left);
            }
            return openSockets();
        }
    }

    private void socketsChanged() {
        synchronized (socketsChanged) {
            socketsChanged.notifyAll();
        }
    }

    /** The public server's handler for {@code /socket.io/} requests; the guard keeps counting their connections. */
    public Handler<HttpServerRequest> handover(ConnectionGuard connections) {
        return new SocketHandover(channels, connections);
    }

    /**
     * Registers a handler for an inbound event: its payload (a JSON string or an object) is read into
     * the event's record on the socket's queue, after the socket's credential is confirmed; a payload
     * that breaks a rule, or a request the store refuses, is answered with {@code error} and changes
     * nothing. A handler that needs no blocking call to start starts on the network thread that read
     * the event when nothing of the socket's waits.
     */
    private void on(ProtocolEvent event, InboundEvents.Handling handling) {
        Class<? extends Record> type = event.payloadType();
        server.addEventListener(event.wireName(), Object.class, (client, data, ack) -> {
            SocketSession session = SocketSession.of(client, sessions);
            session.enqueue(
                    () -> {
                        if (!handshake.admit(session)) {
                            return CompletableFuture.completedStage(null);
                        }
                        CompletionStage<Void> handled;
                        try {
                            authenticator.throttle(session.caller());
                            handled = handling.handler().apply(session, JsonInput.convert(payload(data), type, ""));
                        } catch (RuntimeException failed) {
                            handled = CompletableFuture.failedFuture(failed);
                        }
                        return handled.exceptionally(failed -> {
                            answerFailure(
                                    session,
                                    event,
                                    failed instanceof CompletionException wrapped ? wrapped.getCause() : failed);
                            return null;
                        });
                    },
                    handling.startsOnNetworkThread());
        });
    }

    /** Names a refusal in an {@code error} event; anything else is logged and named by a correlation id. */
    private static void answerFailure(SocketSession session, ProtocolEvent event, Throwable failure) {
        if (failure instanceof ApiError refused) {
            session.sendError(event, refused.getMessage());
            return;
        }
        String correlation = UUID.randomUUID().toString();
        LOG.error(
                "{} from {} failed [correlation {}]",
                event.wireName(),
                session.client().getSessionId(),
                correlation,
                failure);
        session.sendError(event, "the hub failed to handle this event; report correlation id " + correlation);
    }

    private static JsonNode payload(Object data) {
        if (data == null) {
            return HubJson.MAPPER.createObjectNode();
        }
        if (data instanceof String text) {
            return JsonInput.parse(text);
        }
        return HubJson.MAPPER.valueToTree(data);
    }

    /** Sends a committed event to this node's sockets in the rooms of its route, once per socket. */
    public int deliver(StoredEvent event) {
        Map<UUID, SocketIOClient> targets = new LinkedHashMap<>();
        switch (event.event().route()) {
            case AGENT_ROOMS -> {
                collect(targets, Rooms.account(event.owner()));
                collect(targets, Rooms.agent(event.did()));
            }
            case TASK_ROOM -> collect(targets, Rooms.task(event.taskId()));
            case REPLY, INBOUND ->
                throw new IllegalArgumentException(event.event().wireName() + " is not delivered to rooms");
        }
        if (event.endsTask() && !targets.isEmpty()) { // first: a delivery that throws still has it emptied
            endedTaskRooms.ended(event.taskId());
        }
        for (SocketIOClient client : targets.values()) {
            SocketSession.deliver(client, event.event().wireName(), event.payloadJson());
        }
        return targets.size();
    }

    /** How many sockets of this node are in rooms of each kind ({@code account}, {@code agent}, {@code task}). */
    public Map<String, Integer> roomMemberships() {
        Map<String, Integer> byKind = new HashMap<>(Map.of("account", 0, "agent", 0, "task", 0));
        for (SocketIOClient client : server.getAllClients()) {
            for (String room : client.getAllRooms()) {
                int colon = room.indexOf(':');
                if (colon > 0) {
                    byKind.computeIfPresent(room.substring(0, colon), (kind, count) -> count + 1);
                }
            }
        }
        return byKind;
    }

    private void collect(Map<UUID, SocketIOClient> targets, String room) {
        for (SocketIOClient client : server.getRoomOperations(room).getClients()) {
            targets.putIfAbsent(client.getSessionId(), client);
        }
    }

    @Override
    public void close() {
        timers.shutdownNow();
        work.shutdownNow();
        // netty-socketio's stop() waits out a quiet period of 2 s for each of its two event loop groups,
        // which serve only its own loopback listener (sockets arrive through the handover): it finishes
        // on its own rather than holding up a shutdown by 4 s.
        Thread.ofPlatform().name("socket-io-stop").start(server::stop);
    }

    private static int freeLoopbackPort() {
        try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free loopback port for the Socket.IO server", e);
        }
    }
}
