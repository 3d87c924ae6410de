package io.aihub.server.realtime;

import com.corundumstudio.socketio.SocketIOChannelInitializer;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.FullHttpRequest;

/**
 * netty-socketio's channel set-up, also applied to connections it did not accept itself: a WebSocket
 * upgrade the public HTTP server has already parsed is adopted with its channel, so the socket is
 * served on that connection with no second hop.
 */
final class GatewayChannels extends SocketIOChannelInitializer {

    /**
     * Installs netty-socketio's handlers on a channel stripped of any other HTTP handling and feeds
     * them the upgrade request as if they had decoded it. Runs on the channel's event loop.
     */
    void adopt(Channel channel, FullHttpRequest upgrade) throws Exception {
        ChannelPipeline pipeline = channel.pipeline();
        initChannel(channel);
        // netty-socketio's timeouts run their callbacks on the executor of the last channel it set up.
        handlerAdded(pipeline.context(PACKET_HANDLER));
        pipeline.context(HTTP_AGGREGATOR).fireChannelRead(upgrade);
        // The upgrade replaced the HTTP handlers; the read is complete for the whole pipeline.
        pipeline.fireChannelReadComplete();
        if (!channel.config().isAutoRead()) {
            channel.config().setAutoRead(true);
        }
    }
}
