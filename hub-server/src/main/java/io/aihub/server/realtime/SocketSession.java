package io.aihub.server.realtime;

import com.corundumstudio.socketio.SocketIOClient;
import com.corundumstudio.socketio.transport.NamespaceClient;
import io.aihub.protocol.ProtocolEvent;
import io.aihub.protocol.SocketPayloads;
import io.aihub.server.auth.Caller;
import io.aihub.server.json.HubJson;
import io.netty.channel.Channel;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One socket's state on this node: who it is once its credential checks out, and the queue that
 * runs its events in order. Until it is {@link State#AUTHENTICATED} it can do nothing.
 */
final class SocketSession {
    private static final Logger LOG = LoggerFactory.getLogger(SocketSession.class);
    private static final String KEY = "aihub.session";

    enum State {
        CONNECTING,
        AUTHENTICATED,
        REFUSED
    }

    /** What the sessions of this node share. */
    record Shared(Executor executor, GatewayChannels channels, SocketLimits limits, AccountSockets accounts) {}

    private final SocketIOClient client;
    private final Shared shared;
    /** The socket's connection, if it came through the public port (it always does but in the warm-up race). */
    private final Channel channel;

    private final SerialQueue queue;
    private final AtomicReference<State> state = new AtomicReference<>(State.CONNECTING);
    /** The account this socket counts against (guarded by this), once it does. */
    private String countedFor;
    /** Whether the socket is gone (guarded by this). */
    private boolean closed;

    private final AtomicBoolean overflowed = new AtomicBoolean();
    private volatile boolean credentialOffered;
    private volatile Caller caller;

    private SocketSession(SocketIOClient client, Shared shared) {
        this.client = client;
        this.shared = shared;
        this.channel = shared.channels().channelOf(client.getRemoteAddress()).orElse(null);
        this.queue = new SerialQueue(
                shared.executor(),
                channel == null ? shared.executor() : channel.eventLoop(),
                shared.limits().inboundQueue(),
                this::reading);
    }

    /** The session of a socket, created on first sight (connect and auth listeners run on one network thread). */
    static SocketSession of(SocketIOClient client, Shared shared) {
        synchronized (client) {
            SocketSession session = client.get(KEY);
            if (session == null) {
                session = new SocketSession(client, shared);
                client.set(KEY, session);
            }
            return session;
        }
    }

    /** The session of a socket that has one, else null. */
    static SocketSession existing(SocketIOClient client) {
        return client.get(KEY);
    }

    SocketIOClient client() {
        return client;
    }

    /**
     * Closes the connection itself. Leaving the namespace alone ({@code client.disconnect()}) would
     * keep the transport open, and a client could CONNECT again on it.
     */
    void disconnect() {
        if (client instanceof NamespaceClient namespaced) {
            namespaced.getBaseClient().disconnect();
        } else {
            LOG.error(
                    "netty-socketio handed the hub a {} rather than a NamespaceClient: its internals changed, and a"
                            + " refused socket's transport stays open (only its namespace is left)",
                    client.getClass().getName());
            client.disconnect();
        }
    }

    /** Runs {@code task} after the socket's earlier ones; too many waiting, and the hub stops reading the socket. */
    void enqueue(Runnable task) {
        queue.submit(task);
    }

    /**
     * Runs {@code task} after the socket's earlier ones, and the next once the stage it returns completes;
     * with {@code startHere}, on this thread when nothing of the socket's waits ({@link SerialQueue}).
     */
    void enqueue(Supplier<? extends CompletionStage<?>> task, boolean startHere) {
        queue.submit(task, startHere);
    }

    private void reading(boolean read) {
        if (channel != null) {
            channel.config().setAutoRead(read);
        }
    }

    /**
     * Counts this socket against its account's sockets on this node; false if the account holds the
     * most it may.
     */
    synchronized boolean countAgainstAccount(String address) {
        if (closed || countedFor != null || !shared.accounts().admit(address)) {
            return false;
        }
        countedFor = address;
        return true;
    }

    /**
     * The socket is gone: it no longer counts against its account, and nothing can authenticate it any
     * more (a key check still running for it finds it closed).
     */
    synchronized void closed() {
        closed = true;
        state.set(State.REFUSED);
        if (countedFor != null) {
            shared.accounts().release(countedFor);
            countedFor = null;
        }
    }

    State state() {
        return state.get();
    }

    boolean isAuthenticated() {
        return state.get() == State.AUTHENTICATED;
    }

    Caller caller() {
        return caller;
    }

    /** The CONNECT packet carried an {@code auth} payload (so the auth listener has run). */
    void credentialOffered() {
        credentialOffered = true;
    }

    boolean wasCredentialOffered() {
        return credentialOffered;
    }

    /** CONNECTING → AUTHENTICATED; false if the socket was authenticated or refused already. */
    synchronized boolean authenticate(Caller verified) {
        if (state.get() != State.CONNECTING) {
            return false;
        }
        caller = verified;
        state.set(State.AUTHENTICATED);
        return true;
    }

    /** Any state → REFUSED; false if it was refused already. */
    synchronized boolean refuse() {
        return state.getAndSet(State.REFUSED) != State.REFUSED;
    }

    /**
     * Sends one event to this socket (exactly one argument, a JSON string), unless its client has stopped
     * reading: with more than {@link SocketLimits#outboundBufferBytes()} waiting for it, the socket is
     * closed instead and nothing more is sent to it (its client catches up by replay when it
     * reconnects). False when it was not sent.
     */
    boolean send(ProtocolEvent event, Object payload) {
        if (channel != null && !channel.isWritable()) {
            overflowed();
            return false;
        }
        client.sendEvent(event.wireName(), payload instanceof String json ? json : HubJson.write(payload));
        return true;
    }

    /** Sends a committed event as stored (already JSON); false when the socket was closed instead. */
    static boolean deliver(SocketIOClient client, String eventName, String payloadJson) {
        SocketSession session = existing(client);
        if (session != null && session.channel != null && !session.channel.isWritable()) {
            session.overflowed();
            return false;
        }
        client.sendEvent(eventName, payloadJson);
        return true;
    }

    private void overflowed() {
        refuse();
        if (overflowed.compareAndSet(false, true)) {
            LOG.warn(
                    "closing the socket of {} at {}: its client has not read the last {} bytes sent to it"
                            + " (HUB_SOCKET_BUFFER_BYTES); what it was still owed is dropped",
                    caller == null ? "an unauthenticated client" : caller.address(),
                    client.getRemoteAddress(),
                    shared.limits().outboundBufferBytes());
            channel.close();
        }
    }

    void sendError(ProtocolEvent refused, String message) {
        send(ProtocolEvent.ERROR, new SocketPayloads.Error(refused == null ? null : refused.wireName(), message));
    }
}
