package io.aihub.server;

import io.aihub.server.http.ConnectionGuard;
import io.aihub.server.http.ErrorReplies;
import io.aihub.server.http.StartingReplies;
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
import java.net.BindException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The public HTTP server: the REST API and Socket.IO ({@code /socket.io/} upgrades, handed over to the
 * gateway with their connection) on the main port and on any extra ports. It listens from the start
 * of the hub, answering only its health until {@link #serve} gives it the routes, so the hub is seen
 * alive while it waits for and migrates its database. Its start completes once every port is bound.
 */
final class ApiVerticle extends VerticleBase {
    private final int port;
    private final List<Integer> extraPorts;
    private final ConnectionGuard connections;
    private final StartingReplies starting;
    private final List<HttpServer> servers = new CopyOnWriteArrayList<>();
    private volatile HttpServer server;
    private volatile Router router;
    private volatile Handler<HttpServerRequest> sockets;

    ApiVerticle(int port, List<Integer> extraPorts, ConnectionGuard connections, StartingReplies starting) {
        this.port = port;
        this.extraPorts = extraPorts;
        this.connections = connections;
        this.starting = starting;
    }

    @Override
    public Future<?> start() {
        Future<HttpServer> main = listen(port).onSuccess(listening -> server = listening);
        List<Future<HttpServer>> all = new ArrayList<>(List.of(main));
        extraPorts.forEach(extra -> all.add(listen(extra)));
        return Future.all(all);
    }

    /** From now on, the API's routes and Socket.IO. */
    void serve(Router routes, Handler<HttpServerRequest> socketUpgrades) {
        this.sockets = socketUpgrades;
        this.router = routes;
    }

    /**
     * Stops accepting connections on every port and lets the requests in progress finish, closing each
     * connection after its current request, for at most {@code grace}; then closes what is left.
     */
    Future<Void> shutdown(Duration grace) {
        return Future.all(servers.stream()
                        .map(listening -> listening.shutdown(grace.toMillis(), TimeUnit.MILLISECONDS))
                        .toList())
                .mapEmpty();
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
                    Router routes = router;
                    if (routes == null) {
                        request.response().endHandler(ended -> connections.requestEnded(request));
                        starting.handle(request);
                    } else if (request.path().startsWith(SocketHandover.PATH)) {
                        request.response().endHandler(ended -> connections.requestEnded(request));
                        sockets.handle(request);
                    } else {
                        routes.handle(request);
                    }
                })
                .listen()
                .onSuccess(servers::add)
                .recover(failure -> Future.failedFuture(
                        inUse(failure)
                                ? new IllegalStateException(
                                        "cannot listen on port " + onPort
                                                + ": another process is using it (set HUB_PORT or HUB_EXTRA_PORTS to a free port)")
                                : failure));
    }

    private static boolean inUse(Throwable failure) {
        return failure instanceof BindException
                || String.valueOf(failure.getMessage()).contains("Address already in use");
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
