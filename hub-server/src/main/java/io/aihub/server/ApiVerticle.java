package io.aihub.server;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;

/** The public HTTP server. Its start completes only once the port is bound. */
final class ApiVerticle extends VerticleBase {
    private final int port;
    private final Router router;
    private volatile HttpServer server;

    ApiVerticle(int port, Router router) {
        this.port = port;
        this.router = router;
    }

    @Override
    public Future<?> start() {
        return vertx.createHttpServer(new HttpServerOptions().setPort(port).setHost("0.0.0.0"))
                .requestHandler(router)
                .listen()
                .onSuccess(listening -> server = listening);
    }

    int actualPort() {
        return server.actualPort();
    }
}
