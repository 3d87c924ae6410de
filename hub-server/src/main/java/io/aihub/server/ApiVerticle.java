package io.aihub.server;

import io.aihub.server.realtime.SocketProxy;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.util.ArrayList;
import java.util.List;

/**
 * The public HTTP server: the REST API and Socket.IO ({@code /socket.io/}, proxied to the gateway) on
 * the main port and on any extra ports. Its start completes only once every port is bound.
 */
final class ApiVerticle extends VerticleBase {
    private final int port;
    private final List<Integer> extraPorts;
    private final Router router;
    private final Handler<HttpServerRequest> sockets;
    private volatile HttpServer server;

    ApiVerticle(int port, List<Integer> extraPorts, Router router, Handler<HttpServerRequest> sockets) {
        this.port = port;
        this.extraPorts = extraPorts;
        this.router = router;
        this.sockets = sockets;
    }

    @Override
    public Future<?> start() {
        Future<HttpServer> main = listen(port).onSuccess(listening -> server = listening);
        List<Future<HttpServer>> all = new ArrayList<>(List.of(main));
        extraPorts.forEach(extra -> all.add(listen(extra)));
        return Future.all(all);
    }

    private Future<HttpServer> listen(int onPort) {
        return vertx.createHttpServer(new HttpServerOptions().setPort(onPort).setHost("0.0.0.0"))
                .requestHandler(request -> {
                    if (request.path().startsWith(SocketProxy.PATH)) {
                        sockets.handle(request);
                    } else {
                        router.handle(request);
                    }
                })
                .listen();
    }

    int actualPort() {
        return server.actualPort();
    }
}
