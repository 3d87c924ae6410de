package io.aihub.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.corundumstudio.socketio.transport.NamespaceClient;
import io.aihub.server.HubClient.Account;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.internal.ThreadExecutorMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.impl.HttpServerConnection;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The four library internals the hub relies on (README, "Design choices"), each checked where it is
 * used, so that a library upgrade that changes one fails here with a message that names it.
 */
class LibraryInternalsTest extends HubTestBase {
    private static final Duration SHORT = Duration.ofSeconds(3);

    /** What a request handler on a Vert.x event loop sees of the internals SocketHandover and Handshake use. */
    private record Seen(boolean vertxConnection, boolean channelContext, boolean nettyExecutor) {}

    @Test
    void vertx_exposesTheNettyChannelOfARequest_andNetty_namesTheEventLoopOfItsThread() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            CompletableFuture<Seen> seen = new CompletableFuture<>();
            HttpServer server = vertx.createHttpServer()
                    .requestHandler(request -> {
                        EventExecutor loop = ThreadExecutorMap.currentExecutor();
                        seen.complete(new Seen(
                                request.connection() instanceof HttpServerConnection,
                                request.connection() instanceof HttpServerConnection connection
                                        && connection.channelHandlerContext() != null,
                                loop != null && loop.inEventLoop()));
                        request.response().end();
                    })
                    .listen(0, "127.0.0.1")
                    .await(10, TimeUnit.SECONDS);
            try (HttpClient http = HttpClient.newHttpClient()) {
                http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + "/"))
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
            }

            Seen inside = seen.get(10, TimeUnit.SECONDS);
            assertThat(inside.vertxConnection())
                    .as("Vert.x: a request's connection is an io.vertx.core.http.impl.HttpServerConnection"
                            + " (SocketHandover takes the WebSocket upgrade's Netty channel from it)")
                    .isTrue();
            assertThat(inside.channelContext())
                    .as("Vert.x: HttpServerConnection.channelHandlerContext() gives the connection's pipeline")
                    .isTrue();
            assertThat(inside.nettyExecutor())
                    .as("Netty: ThreadExecutorMap.currentExecutor() names the event loop running the current task"
                            + " (Handshake sends _connected after netty-socketio's CONNECT acknowledgement on it)")
                    .isTrue();
        } finally {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void nettySocketIo_servesAnAdoptedChannel_throughItsInitializersHandlers() throws Exception {
        Account builder = client.account("builder");
        try (RawSocket socket = RawSocket.open(hub.port())) {
            socket.connect("Bearer " + builder.apiKey());

            assertThat(socket.await("_connected", SHORT, new ArrayList<>()))
                    .as("netty-socketio: GatewayChannels installs SocketIOChannelInitializer's pipeline on a channel"
                            + " Vert.x accepted (initChannel, handlerAdded, HTTP_AGGREGATOR, PACKET_HANDLER)")
                    .isNotNull();
        }
    }

    @Test
    void nettySocketIo_handsListenersANamespaceClient_whoseBaseClientClosesTheTransport() throws Exception {
        assertThat(NamespaceClient.class
                        .getMethod("getBaseClient")
                        .getReturnType()
                        .getMethod("disconnect"))
                .as("netty-socketio: NamespaceClient.getBaseClient().disconnect() closes a socket's transport")
                .isNotNull();
        try (RawSocket socket = RawSocket.open(hub.port())) {
            socket.connect("Bearer not-a-key");

            List<String> frames;
            try {
                frames = socket.framesUntilClosed(SHORT);
            } catch (AssertionError stillOpen) {
                throw new AssertionError(
                        "netty-socketio: a refused socket's connection stayed open; SocketSession"
                                + ".disconnect closes it through the NamespaceClient that listeners are handed",
                        stillOpen);
            }

            assertThat(frames).anyMatch(frame -> frame.startsWith("44")); // connect_error, then the close
        }
    }
}
