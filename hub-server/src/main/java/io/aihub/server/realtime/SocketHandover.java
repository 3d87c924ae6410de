package io.aihub.server.realtime;

import io.aihub.protocol.ApiError;
import io.aihub.server.http.ConnectionGuard;
import io.aihub.server.http.ErrorReplies;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.ReadOnlyHttpHeaders;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves Socket.IO on the public port with no second hop. Vert.x parses the WebSocket upgrade for
 * {@code /socket.io/}; the connection's Netty channel is then taken out of Vert.x's HTTP handling
 * and given to netty-socketio, which answers the upgrade and owns the socket from then on. One
 * connection, one file descriptor, per socket.
 *
 * <p>This reaches into Vert.x's internals in two places, both pinned by the Vert.x version and
 * covered by the realtime tests: the request's connection exposes its Netty channel through
 * {@code io.vertx.core.http.impl.HttpServerConnection}, and every handler Vert.x put in the channel's
 * pipeline (other than TLS) is removed before netty-socketio's are added.
 */
public final class SocketHandover implements Handler<HttpServerRequest> {
    public static final String PATH = "/socket.io/";
    private static final Logger LOG = LoggerFactory.getLogger(SocketHandover.class);

    /**
     * The headers a socket keeps: those of the WebSocket upgrade, the origin (netty-socketio's
     * cross-domain flag) and the credential.
     */
    private static final List<AsciiString> KEPT_HEADERS = List.of(
            HttpHeaderNames.HOST,
            HttpHeaderNames.UPGRADE,
            HttpHeaderNames.CONNECTION,
            HttpHeaderNames.SEC_WEBSOCKET_KEY,
            HttpHeaderNames.SEC_WEBSOCKET_VERSION,
            HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL,
            HttpHeaderNames.ORIGIN,
            HttpHeaderNames.AUTHORIZATION);

    private final GatewayChannels gateway;
    private final ConnectionGuard connections;

    SocketHandover(GatewayChannels gateway, ConnectionGuard connections) {
        this.gateway = gateway;
        this.connections = connections;
    }

    @Override
    public void handle(HttpServerRequest request) {
        if (!isWebSocketUpgrade(request)) {
            refuse(request);
            return;
        }
        ChannelHandlerContext vertx = vertxHandler(request);
        if (vertx == null) {
            String correlation = UUID.randomUUID().toString();
            LOG.error(
                    "a WebSocket upgrade's connection does not expose its Netty channel: this Vert.x version "
                            + "changed an internal API SocketHandover relies on; Socket.IO cannot be served [correlation {}]",
                    correlation);
            fail(request, correlation);
            return;
        }
        Channel channel = vertx.channel();
        connections.handedOver(request, channel);
        FullHttpRequest upgrade = copy(request);
        // Until the handover runs (after the current read), whatever else Vert.x decodes on this
        // connection goes to a stand-in rather than into Vert.x's queues, which nobody would drain.
        HeldForHandover held = new HeldForHandover();
        channel.pipeline().addBefore(vertx.name(), HeldForHandover.NAME, held);
        channel.config().setAutoRead(false);
        channel.eventLoop().execute(() -> {
            try {
                detachFromVertx(channel.pipeline());
                // Closed meanwhile (the client's FIN can be read before this task runs): netty-socketio
                // would register a client for it that no close event would ever remove.
                if (held.receivedMore || !channel.isActive()) {
                    upgrade.release();
                    channel.close();
                    return;
                }
                gateway.adopt(channel, upgrade);
            } catch (IllegalStateException internalsChanged) {
                LOG.error("cannot hand WebSocket upgrades to the Socket.IO gateway", internalsChanged);
                upgrade.release();
                channel.close();
            } catch (Exception e) {
                LOG.warn(
                        "could not hand a WebSocket upgrade from {} to the Socket.IO gateway: {}",
                        channel.remoteAddress(),
                        e.toString());
                upgrade.release();
                channel.close();
            }
        });
    }

    /**
     * Takes Vert.x's place between the upgrade request and the handover. The request's empty end is
     * dropped; anything more (a body, a pipelined request: a WebSocket client sends nothing before the
     * 101) is released and gets the connection closed instead of handed over.
     */
    private static final class HeldForHandover extends ChannelInboundHandlerAdapter {
        static final String NAME = "aihub-held-for-handover";
        boolean receivedMore;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            if (!(message instanceof LastHttpContent end) || end.content().isReadable()) {
                receivedMore = true;
            }
            ReferenceCountUtil.release(message);
        }
    }

    private static boolean isWebSocketUpgrade(HttpServerRequest request) {
        return request.version() == HttpVersion.HTTP_1_1
                && request.method() == io.vertx.core.http.HttpMethod.GET
                && "websocket".equalsIgnoreCase(request.getHeader("Upgrade"));
    }

    /** The pipeline context of Vert.x's connection handler, or null if Vert.x does not expose it. */
    private static ChannelHandlerContext vertxHandler(HttpServerRequest request) {
        return request.connection() instanceof io.vertx.core.http.impl.HttpServerConnection connection
                ? connection.channelHandlerContext()
                : null;
    }

    /**
     * The upgrade request as netty-socketio gets it. Its headers stay with the socket for the
     * socket's life (netty-socketio's {@code HandshakeData}), so only those the upgrade, the origin and
     * the credential read are copied, under shared names, into a compact read-only list: a browser's
     * cookies and user agent would otherwise be kept per socket. Compression is off, so the extensions
     * a client offers are not among them.
     */
    private static FullHttpRequest copy(HttpServerRequest request) {
        return new DefaultFullHttpRequest(
                io.netty.handler.codec.http.HttpVersion.HTTP_1_1,
                HttpMethod.GET,
                request.uri(),
                Unpooled.EMPTY_BUFFER,
                keptHeaders(request.headers()),
                EmptyHttpHeaders.INSTANCE);
    }

    static HttpHeaders keptHeaders(MultiMap headers) {
        List<CharSequence> pairs = new ArrayList<>(2 * KEPT_HEADERS.size());
        for (AsciiString name : KEPT_HEADERS) {
            CharSequence value = name.equals(HttpHeaderNames.CONNECTION) ? connection(headers) : headers.get(name);
            if (value != null) {
                pairs.add(name);
                pairs.add(value);
            }
        }
        return new ReadOnlyHttpHeaders(false, pairs.toArray(CharSequence[]::new));
    }

    /**
     * The {@code Connection} header as the handshake checks it. Netty's handshake looks for the whole
     * value "upgrade" in the list, while browsers send a list of tokens ({@code keep-alive, Upgrade}
     * from Firefox), maybe over several lines: a connection that asks for the upgrade among other
     * tokens keeps just that one.
     */
    private static CharSequence connection(MultiMap headers) {
        List<String> lines = headers.getAll(HttpHeaderNames.CONNECTION);
        for (String line : lines) {
            for (String token : line.split(",")) {
                if (token.strip().equalsIgnoreCase("upgrade")) {
                    return HttpHeaderValues.UPGRADE;
                }
            }
        }
        return lines.isEmpty() ? null : lines.getFirst();
    }

    /** Removes Vert.x's handlers, its connection handler first so nothing more reaches it. */
    private static void detachFromVertx(ChannelPipeline pipeline) {
        List<String> names = new ArrayList<>();
        for (Map.Entry<String, ChannelHandler> handler : pipeline) {
            if (!(handler.getValue() instanceof SslHandler)) {
                names.addFirst(handler.getKey());
            }
        }
        names.forEach(pipeline::remove);
    }

    private static void fail(HttpServerRequest request, String correlation) {
        ErrorReplies.send(
                request.response(),
                500,
                "Internal Server Error",
                "this hub cannot serve Socket.IO with its Vert.x version; report correlation id " + correlation,
                correlation);
    }

    /** Socket.IO is served over WebSocket only (long-polling is not offered). */
    private static void refuse(HttpServerRequest request) {
        ErrorReplies.send(
                request.response(),
                ApiError.badRequest("Socket.IO is served over WebSocket only: connect with transports: ['websocket']"));
    }
}
