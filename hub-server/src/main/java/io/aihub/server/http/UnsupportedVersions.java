package io.aihub.server.http;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpRequest;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.impl.HttpServerConnection;

/**
 * Marks a request whose line names another HTTP version than 1.0 or 1.1 (such as {@code HTTP/0.9}) as
 * malformed as soon as it is decoded, so that it reaches the server's invalid-request handler and gets
 * the hub's JSON error; Vert.x would otherwise answer it itself, with an empty 501. Installed in front
 * of Vert.x's handler through the same internal the Socket.IO hand-over uses ({@link HttpServerConnection}).
 */
@ChannelHandler.Sharable
public final class UnsupportedVersions extends ChannelInboundHandlerAdapter {
    private static final UnsupportedVersions INSTANCE = new UnsupportedVersions();
    private static final String NAME = "aihub-unsupported-versions";

    /** What the invalid-request handler finds as the cause. */
    public static final class Refused extends DecoderException {
        public Refused(String version) {
            super("HTTP version " + version + " is not served");
        }
    }

    private UnsupportedVersions() {}

    /** Installs the check on a new connection (nothing happens if Vert.x does not expose its pipeline). */
    public static void install(HttpConnection connection) {
        if (connection instanceof HttpServerConnection internal && internal.channelHandlerContext() != null) {
            ChannelHandlerContext vertx = internal.channelHandlerContext();
            if (vertx.pipeline().get(NAME) == null) {
                vertx.pipeline().addBefore(vertx.name(), NAME, INSTANCE);
            }
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        if (message instanceof HttpRequest request
                && request.decoderResult().isSuccess()
                && !(request.protocolVersion().majorVersion() == 1
                        && request.protocolVersion().minorVersion() <= 1)) {
            request.setDecoderResult(
                    DecoderResult.failure(new Refused(request.protocolVersion().text())));
        }
        ctx.fireChannelRead(message);
    }
}
