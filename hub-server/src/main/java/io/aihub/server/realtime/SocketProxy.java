package io.aihub.server.realtime;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.PoolOptions;
import io.vertx.httpproxy.HttpProxy;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyInterceptor;
import io.vertx.httpproxy.ProxyOptions;
import io.vertx.httpproxy.ProxyResponse;

/**
 * Serves Socket.IO on the public port: {@code /socket.io/} requests and their WebSocket upgrades are
 * reverse-proxied to the gateway's loopback port, with the client's address in {@code X-Forwarded-For}.
 */
public final class SocketProxy {
    public static final String PATH = "/socket.io/";

    private SocketProxy() {
    }

    /**
     * Every proxied WebSocket holds one pooled connection to the gateway for its whole life, so the
     * pool must be as large as the number of sockets a node serves.
     */
    static final int MAX_SOCKETS = 200_000;

    public static Handler<HttpServerRequest> to(Vertx vertx, int gatewayPort) {
        HttpProxy proxy = HttpProxy.reverseProxy(new ProxyOptions().setSupportWebSocket(true),
                        vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true),
                                new PoolOptions().setHttp1MaxSize(MAX_SOCKETS)))
                .origin(gatewayPort, "127.0.0.1");
        proxy.addInterceptor(new ProxyInterceptor() {
            @Override
            public Future<ProxyResponse> handleProxyRequest(ProxyContext context) {
                String client = context.request().proxiedRequest().remoteAddress().hostAddress();
                context.request().headers().set("X-Forwarded-For", client);
                return context.sendRequest();
            }
        }, true);
        return proxy;
    }
}
