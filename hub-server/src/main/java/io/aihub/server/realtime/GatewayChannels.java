package io.aihub.server.realtime;

import com.corundumstudio.socketio.SocketIOChannelInitializer;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import java.net.SocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * netty-socketio's channel set-up, also applied to connections it did not accept itself: a WebSocket
 * upgrade the public HTTP server has already parsed is adopted with its channel, so the socket is
 * served on that connection with no second hop. It relies on the protected side of netty-socketio's
 * {@code SocketIOChannelInitializer}: {@code initChannel}, {@code handlerAdded} and the names of the
 * handlers it installs ({@code LibraryInternalsTest}).
 */
final class GatewayChannels extends SocketIOChannelInitializer {
    /** Adopted channels by their peer's address (one connection each), until they close. */
    private final Map<SocketAddress, Channel> adopted = new ConcurrentHashMap<>();

    private final WriteBufferWaterMark outbound;

    /** @param outboundBufferBytes where a channel stops being writable: a socket past it is not reading */
    GatewayChannels(int outboundBufferBytes) {
        this.outbound = new WriteBufferWaterMark(outboundBufferBytes / 2, outboundBufferBytes);
    }

    /** The channel of the socket whose peer is at {@code remote}, while it is open. */
    Optional<Channel> channelOf(SocketAddress remote) {
        return Optional.ofNullable(adopted.get(remote));
    }

    /**
     * Closes every adopted socket's WebSocket with 1001 (going away) and {@code reason}: its client sees
     * the transport close and reconnects, to another node behind a load balancer (after a Socket.IO
     * disconnect instead, the SDKs' clients would not reconnect at all). Returns how many were open.
     */
    int closeAll(String reason) {
        List<Channel> open = List.copyOf(adopted.values());
        open.forEach(channel -> channel.writeAndFlush(
                        new CloseWebSocketFrame(WebSocketCloseStatus.ENDPOINT_UNAVAILABLE, reason))
                .addListener(ChannelFutureListener.CLOSE));
        return open.size();
    }

    /**
     * Installs netty-socketio's handlers on a channel stripped of any other HTTP handling and feeds
     * them the upgrade request as if they had decoded it. Runs on the channel's event loop.
     */
    void adopt(Channel channel, FullHttpRequest upgrade) throws Exception {
        channel.config().setWriteBufferWaterMark(outbound);
        SocketAddress remote = channel.remoteAddress();
        adopted.put(remote, channel);
        channel.closeFuture().addListener(closed -> adopted.remove(remote, channel));
        ChannelPipeline pipeline = channel.pipeline();
        initChannel(channel);
        ChannelHandlerContext packets = pipeline.context(PACKET_HANDLER);
        ChannelHandlerContext aggregator = pipeline.context(HTTP_AGGREGATOR);
        if (packets == null || aggregator == null) {
            throw new IllegalStateException(
                    "netty-socketio's SocketIOChannelInitializer no longer installs handlers named " + PACKET_HANDLER
                            + " and " + HTTP_AGGREGATOR + "; GatewayChannels must follow its new pipeline");
        }
        // netty-socketio's timeouts run their callbacks on the executor of the last channel it set up.
        handlerAdded(packets);
        aggregator.fireChannelRead(upgrade);
        // The upgrade replaced the HTTP handlers; the read is complete for the whole pipeline.
        pipeline.fireChannelReadComplete();
        if (!channel.config().isAutoRead()) {
            channel.config().setAutoRead(true);
        }
    }
}
