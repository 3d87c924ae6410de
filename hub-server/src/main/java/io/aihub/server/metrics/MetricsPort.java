package io.aihub.server.metrics;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;

/**
 * The port Prometheus scrapes: {@code GET /metrics}, apart from the public API so that it never faces
 * the SDKs' clients or the public load balancer, and needs no credential in the scraper's configuration.
 * The scrape runs on a worker thread (the outbox backlog is read from the database).
 */
public final class MetricsPort {
    static final String PATH = "/metrics";
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private MetricsPort() {}

    public static Future<HttpServer> listen(Vertx vertx, int port, HubMetrics metrics) {
        return vertx.createHttpServer(new HttpServerOptions().setPort(port).setHost("0.0.0.0"))
                .requestHandler(request -> {
                    if (!request.path().equals(PATH)) {
                        request.response().setStatusCode(404).end("metrics are at " + PATH + "\n");
                        return;
                    }
                    vertx.executeBlocking(metrics::scrape, false)
                            .onSuccess(text -> request.response()
                                    .putHeader("Content-Type", PROMETHEUS_TEXT)
                                    .end(text))
                            .onFailure(failure ->
                                    request.response().setStatusCode(500).end("scrape failed: " + failure + "\n"));
                })
                .listen()
                .recover(failure -> Future.failedFuture(new IllegalStateException(
                        "cannot listen on metrics port " + port + " (HUB_METRICS_PORT): " + failure.getMessage(),
                        failure)));
    }
}
