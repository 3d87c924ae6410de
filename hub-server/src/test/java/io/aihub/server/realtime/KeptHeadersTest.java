package io.aihub.server.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
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
        assertThat(kept.get(HttpHeaderNames.CONNECTION)).isEqualTo("keep-alive, Upgrade");
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
    void anUpgradeWithoutACredentialHeaderKeepsNone() {
        HttpHeaders kept =
                SocketHandover.keptHeaders(MultiMap.caseInsensitiveMultiMap().add("Host", "h"));

        assertThat(kept.get("Authorization")).isNull();
        assertThat(kept.size()).isEqualTo(1);
    }
}
