package io.aihub.server.realtime;

import com.corundumstudio.socketio.AuthTokenListener;
import com.corundumstudio.socketio.AuthTokenResult;
import com.corundumstudio.socketio.SocketIOClient;
import io.aihub.protocol.ApiError;
import io.aihub.protocol.ProtocolEvent;
import io.aihub.protocol.SocketPayloads;
import io.aihub.server.auth.Authenticator;
import io.aihub.server.auth.Caller;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.internal.ThreadExecutorMap;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Authenticates sockets, closing the holes netty-socketio leaves open: its connect
 * listener runs before authentication, a refused socket stays open, and a CONNECT without
 * {@code auth} skips the auth listener. So: nothing is emitted or joined on connect; the credential
 * is the CONNECT {@code auth} payload {@code {"token": "Bearer <api key>"}}, else the upgrade's
 * {@code Authorization} header; {@code _connected} goes out only once the key is known to be
 * active; a refused socket is disconnected once its error is flushed; a socket not authenticated by
 * the deadline is disconnected; and every event handler checks the session first.
 */
final class Handshake implements AuthTokenListener {
    /** Lets the refusal reach the client before the connection closes. */
    static final Duration FLUSH_BEFORE_DISCONNECT = Duration.ofMillis(200);

    private final Authenticator authenticator;
    private final SocketSession.Shared sessions;
    private final ScheduledExecutorService timers;
    private final Duration deadline;

    Handshake(
            Authenticator authenticator,
            SocketSession.Shared sessions,
            ScheduledExecutorService timers,
            Duration deadline) {
        this.authenticator = authenticator;
        this.sessions = sessions;
        this.timers = timers;
        this.deadline = deadline;
    }

    /**
     * Connect listener (it fires when the transport opens, before any CONNECT auth payload is seen):
     * nothing is sent or joined here. A client that authenticates with the upgrade's header (older
     * SDKs) is checked now; everyone else has until the deadline to send a credential.
     */
    void onConnect(SocketIOClient client) {
        SocketSession session = SocketSession.of(client, sessions);
        if (header(session) != null) {
            EventExecutor loop = ThreadExecutorMap.currentExecutor();
            session.enqueue(() -> authenticateFromHeader(session, loop));
        }
        timers.schedule(
                () -> {
                    if (!session.isAuthenticated() && client.isChannelOpen()) {
                        refuse(session, "not authenticated within " + deadline.toSeconds() + " s");
                    }
                },
                deadline.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /**
     * Auth listener: verifies the token's signature here (fast, on the network thread) and its key's
     * revocation state on the session's queue, before any event of the socket is handled.
     */
    @Override
    public AuthTokenResult getAuthTokenResult(Object authData, SocketIOClient client) {
        SocketSession session = SocketSession.of(client, sessions);
        session.credentialOffered();
        String token = tokenFrom(authData);
        if (token == null) {
            token = header(session);
        }
        try {
            Caller caller = signedCaller(token);
            EventExecutor loop = ThreadExecutorMap.currentExecutor();
            session.enqueue(() -> confirm(session, caller, loop));
            return AuthTokenResult.AuthTokenResultSuccess;
        } catch (ApiError refused) {
            refuse(session, null);
            return new AuthTokenResult(false, Map.of("message", refused.getMessage()));
        }
    }

    /**
     * Runs on the session's queue before each event, so after the credential's check: false (and the
     * socket is refused) when the socket may do nothing. Events are only decoded after the CONNECT
     * packet was handled, so a socket that offered no credential by now has none.
     */
    boolean admit(SocketSession session) {
        if (session.isAuthenticated()) {
            return true;
        }
        if (session.state() == SocketSession.State.CONNECTING) {
            refuse(session, "no credential: connect with auth {\"token\": \"Bearer <api key>\"}");
        }
        return false;
    }

    private void authenticateFromHeader(SocketSession session, EventExecutor loop) {
        if (session.wasCredentialOffered()) {
            return;
        }
        try {
            confirm(session, signedCaller(header(session)), loop);
        } catch (ApiError refused) {
            refuse(session, refused.getMessage());
        }
    }

    /**
     * Checks the key is active, then sends {@code _connected}: once, however many credentials came.
     *
     * @param loop the event loop that handled the CONNECT packet (null if unknown)
     */
    private void confirm(SocketSession session, Caller caller, EventExecutor loop) {
        try {
            authenticator.requireActive(caller);
        } catch (ApiError refused) {
            refuse(session, refused.getMessage());
            return;
        }
        if (session.authenticate(caller)) {
            if (!session.countAgainstAccount(caller.address())) { // or it closed meanwhile: then nobody hears this
                refuse(
                        session,
                        "this account holds " + sessions.accounts().limit()
                                + " sockets on this hub node already, the most it may (HUB_SOCKETS_PER_ACCOUNT); close one first");
                return;
            }
            afterConnectAcknowledged(
                    loop,
                    () -> session.send(
                            ProtocolEvent.CONNECTED,
                            new SocketPayloads.Connected(
                                    session.client().getSessionId().toString(), caller.address())));
        }
    }

    /**
     * Runs {@code send} once the CONNECT acknowledgement is queued, and waits for it. netty-socketio
     * queues that acknowledgement on the channel's event loop after the auth listener returns, in the
     * same task, while the key check runs on the session's own thread: sent from there, {@code
     * _connected} could reach the client first, and clients drop (or fail on) events of a namespace
     * they are not connected to yet. A task queued on that loop runs after the task in progress.
     */
    private static void afterConnectAcknowledged(EventExecutor loop, Runnable send) {
        if (loop == null || loop.inEventLoop()) {
            send.run();
            return;
        }
        try {
            loop.submit(send).awaitUninterruptibly();
        } catch (RejectedExecutionException shuttingDown) {
            send.run(); // the loop is closing: so is the connection, and order no longer matters
        }
    }

    private static String header(SocketSession session) {
        return session.client().getHandshakeData().getHttpHeaders().get("Authorization");
    }

    private Caller signedCaller(String token) {
        if (token == null || token.isBlank()) {
            throw ApiError.unauthorized("no credential: connect with auth {\"token\": \"Bearer <api key>\"}");
        }
        Caller caller = authenticator.signed(token);
        if (!caller.hasApiKey()) {
            throw ApiError.forbidden("sockets open with an API key, not an access token");
        }
        return caller;
    }

    /** Closes an authenticated socket whose key has been revoked since. */
    void revoke(SocketSession session) {
        refuse(session, "the API key of this socket was revoked");
    }

    /** Refuses a socket: an {@code error} event if there is a message to give, then a disconnect. */
    private void refuse(SocketSession session, String message) {
        if (!session.refuse()) {
            return;
        }
        if (message != null) {
            session.sendError(null, message);
        }
        timers.schedule(session::disconnect, FLUSH_BEFORE_DISCONNECT.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static String tokenFrom(Object authData) {
        if (authData instanceof Map<?, ?> map && map.get("token") instanceof String token) {
            return token;
        }
        return authData instanceof String token ? token : null;
    }
}
