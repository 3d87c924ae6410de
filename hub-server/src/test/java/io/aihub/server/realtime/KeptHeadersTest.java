package io.aihub.server.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakeException;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.vertx.core.MultiMap;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeptHeadersTest {

    @Test
    void aSocketKeepsTheUpgradeTheOriginAndTheCredential_notTheBrowsersOtherHeaders() {
        MultiMap upgrade = MultiMap.caseInsensitiveMultiMap()
                .add("host", "hub.example:3001")
                .add("upgrade", "websocket")
                .add("connection", "keep-alive, Upgrade")
                .add("sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ==")
                .add("sec-websocket-version", "13")
                .add("sec-websocket-extensions", "permessage-deflate; client_max_window_bits")
                .add("origin", "https://app.example")
                .add("authorization", "Bearer sk-worker")
                .add("cookie", "session=" + "x".repeat(2_000))
                .add("user-agent", "Mozilla/5.0 (X11; Linux x86_64)")
                .add("accept-language", "en-GB,en;q=0.9");

        HttpHeaders kept = SocketHandover.keptHeaders(upgrade);

        assertThat(kept.names())
                .containsExactlyInAnyOrder(
                        "host",
                        "upgrade",
                        "connection",
                        "sec-websocket-key",
                        "sec-websocket-version",
                        "origin",
                        "authorization");
        assertThat(kept.get("Authorization")).isEqualTo("Bearer sk-worker");
        assertThat(kept.get(HttpHeaderNames.SEC_WEBSOCKET_KEY)).isEqualTo("dGhlIHNhbXBsZSBub25jZQ==");
        assertThat(kept.get(HttpHeaderNames.CONNECTION))
                .as("the token the handshake looks for")
                .isEqualTo("upgrade");
        assertThat(kept.contains(HttpHeaderNames.COOKIE)).isFalse();
        assertThat(kept.contains(HttpHeaderNames.SEC_WEBSOCKET_EXTENSIONS)).isFalse();
    }

    @Test
    void theNamesAreSharedConstants_soOnlyTheValuesArePerSocket() {
        HttpHeaders kept = SocketHandover.keptHeaders(MultiMap.caseInsensitiveMultiMap()
                .add("Host", "127.0.0.1:3001")
                .add("Authorization", "Bearer sk-worker"));

        List<CharSequence> names = new ArrayList<>();
        kept.iteratorCharSequence().forEachRemaining(header -> names.add(header.getKey()));
        assertThat(names).hasSize(2);
        assertThat(names.get(0)).isSameAs(HttpHeaderNames.HOST);
        assertThat(names.get(1)).isSameAs(HttpHeaderNames.AUTHORIZATION);
    }

    @Test
    void firefoxsConnectionHeader_andOneOverTwoLines_passNettysHandshake() {
        MultiMap firefox = upgrade().add("connection", "keep-alive, Upgrade");
        MultiMap twoLines = upgrade().add("connection", "keep-alive").add("connection", "Upgrade");
        MultiMap chrome = upgrade().add("connection", "Upgrade");

        assertThat(handshakes(SocketHandover.keptHeaders(firefox))).isTrue();
        assertThat(handshakes(SocketHandover.keptHeaders(twoLines))).isTrue();
        assertThat(handshakes(SocketHandover.keptHeaders(chrome))).isTrue();
    }

    @Test
    void aConnectionThatDoesNotAskForTheUpgrade_isStillRefusedByTheHandshake() {
        assertThat(handshakes(SocketHandover.keptHeaders(upgrade().add("connection", "keep-alive"))))
                .isFalse();
        assertThat(handshakes(SocketHandover.keptHeaders(upgrade()))).isFalse();
    }

    @Test
    void anUpgradeWithoutACredentialHeaderKeepsNone() {
        HttpHeaders kept =
                SocketHandover.keptHeaders(MultiMap.caseInsensitiveMultiMap().add("Host", "h"));

        assertThat(kept.get("Authorization")).isNull();
        assertThat(kept.size()).isEqualTo(1);
    }

    private static MultiMap upgrade() {
        return MultiMap.caseInsensitiveMultiMap()
                .add("host", "hub.example")
                .add("upgrade", "websocket")
                .add("sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ==")
                .add("sec-websocket-version", "13");
    }

    /** Whether Netty's WebSocket handshake, as netty-socketio runs it, answers the upgrade. */
    private static boolean handshakes(HttpHeaders kept) {
        FullHttpRequest request = new DefaultFullHttpRequest(
                HttpVersion.HTTP_1_1,
                HttpMethod.GET,
                "/socket.io/?EIO=4&transport=websocket",
                Unpooled.EMPTY_BUFFER,
                kept,
                EmptyHttpHeaders.INSTANCE);
        EmbeddedChannel channel = new EmbeddedChannel(new HttpServerCodec());
        try {
            WebSocketServerHandshaker handshaker = new WebSocketServerHandshakerFactory(
                            "ws://hub.example/socket.io/", null, false)
                    .newHandshaker(request);
            return handshaker != null && handshaker.handshake(channel, request).isSuccess();
        } catch (WebSocketServerHandshakeException refused) {
            return false;
        } finally {
            channel.finishAndReleaseAll();
        }
    }
}
