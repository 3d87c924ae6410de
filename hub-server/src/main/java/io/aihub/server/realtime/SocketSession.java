package io.aihub.server.realtime;

import com.corundumstudio.socketio.SocketIOClient;
import com.corundumstudio.socketio.transport.NamespaceClient;
import io.aihub.protocol.ProtocolEvent;
import io.aihub.protocol.SocketPayloads;
import io.aihub.server.auth.Caller;
import io.aihub.server.json.HubJson;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;
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

    private final SocketIOClient client;
    private final SerialQueue queue;
    private final AtomicReference<State> state = new AtomicReference<>(State.CONNECTING);
    private volatile boolean credentialOffered;
    private volatile Caller caller;

    private SocketSession(SocketIOClient client, Executor executor) {
        this.client = client;
        this.queue = new SerialQueue(executor);
    }

    /** The session of a socket, created on first sight (connect and auth listeners run on one network thread). */
    static SocketSession of(SocketIOClient client, Executor executor) {
        synchronized (client) {
            SocketSession session = client.get(KEY);
            if (session == null) {
                session = new SocketSession(client, executor);
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

    void enqueue(Runnable task) {
        queue.submit(task);
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
    boolean authenticate(Caller verified) {
        caller = verified;
        return state.compareAndSet(State.CONNECTING, State.AUTHENTICATED);
    }

    /** Any state → REFUSED; false if it was refused already. */
    boolean refuse() {
        return state.getAndSet(State.REFUSED) != State.REFUSED;
    }

    /** Sends one event to this socket: exactly one argument, a JSON string. */
    void send(ProtocolEvent event, Object payload) {
        client.sendEvent(event.wireName(), payload instanceof String json ? json : HubJson.write(payload));
    }

    void sendError(ProtocolEvent refused, String message) {
        send(ProtocolEvent.ERROR, new SocketPayloads.Error(refused == null ? null : refused.wireName(), message));
    }
}
