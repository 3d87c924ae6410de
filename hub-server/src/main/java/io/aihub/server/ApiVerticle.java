package io.aihub.server;

import io.aihub.server.http.ConnectionGuard;
import io.aihub.server.http.ErrorReplies;
import io.aihub.server.http.UnsupportedVersions;
import io.aihub.server.realtime.SocketHandover;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import java.util.ArrayList;
import java.util.List;

/**
 * The public HTTP server: the REST API and Socket.IO ({@code /socket.io/} upgrades, handed over to the
 * gateway with their connection) on the main port and on any extra ports. Its start completes only
 * once every port is bound.
 */
final class ApiVerticle extends VerticleBase {
    private final int port;
    private final List<Integer> extraPorts;
    private final Router router;
    private final Handler<HttpServerRequest> sockets;
    private final ConnectionGuard connections;
    private volatile HttpServer server;

    ApiVerticle(
            int port,
            List<Integer> extraPorts,
            Router router,
            Handler<HttpServerRequest> sockets,
            ConnectionGuard connections) {
        this.port = port;
        this.extraPorts = extraPorts;
        this.router = router;
        this.sockets = sockets;
        this.connections = connections;
    }

    @Override
    public Future<?> start() {
        Future<HttpServer> main = listen(port).onSuccess(listening -> server = listening);
        List<Future<HttpServer>> all = new ArrayList<>(List.of(main));
        extraPorts.forEach(extra -> all.add(listen(extra)));
        return Future.all(all);
    }

    private Future<HttpServer> listen(int onPort) {
        return vertx.createHttpServer(new HttpServerOptions()
                        .setPort(onPort)
                        .setHost("0.0.0.0")
                        .setHttp2ClearTextEnabled(
                                false)) // HTTP/1.1 only: what the SDKs speak, and what the guard tracks
                .connectionHandler(connection -> {
                    UnsupportedVersions.install(connection);
                    connections.opened(connection);
                })
                .invalidRequestHandler(ApiVerticle::rejectMalformed)
                .requestHandler(request -> {
                    connections.requestStarted(request);
                    if (request.path().startsWith(SocketHandover.PATH)) {
                        request.response().endHandler(ended -> connections.requestEnded(request));
                        sockets.handle(request);
                    } else {
                        router.handle(request);
                    }
                })
                .listen();
    }

    /**
     * Requests the HTTP decoder refused before any route saw them (a request line or headers over
     * the limits, broken framing) still get a JSON error: some SDKs parse every error body.
     */
    private static void rejectMalformed(HttpServerRequest request) {
        Throwable cause = request.decoderResult().cause();
        int status = cause instanceof TooLongHttpLineException
                ? 414
                : cause instanceof TooLongHttpHeaderException
                        ? 431
                        : cause instanceof UnsupportedVersions.Refused ? 505 : 400;
        String message = switch (status) {
            case 505 -> "the hub speaks HTTP/1.1 (and HTTP/1.0); " + cause.getMessage();
            case 414 -> "the request line is too long; ids and query strings must be shorter";
            case 431 -> "the request line or headers are too large; ids and query strings must be shorter";
            default -> "the request is not valid HTTP";
        };
        ErrorReplies.send(
                request.response().putHeader("Connection", "close"),
                status,
                HttpResponseStatus.valueOf(status).reasonPhrase(),
                message,
                null);
    }

    int actualPort() {
        return server.actualPort();
    }
}
