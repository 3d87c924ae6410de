package io.aihub.server.metrics;

import io.aihub.server.http.RouteNames;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;

/**
 * Times every request the router serves, by route template (never an id: {@code /api/v1/agents/:did},
 * see {@link RouteNames}), method and status, as {@code hub_http_requests_seconds} with a histogram.
 */
public final class HttpMetrics implements Handler<RoutingContext> {
    private final MeterRegistry registry;

    public HttpMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void handle(RoutingContext ctx) {
        long started = System.nanoTime();
        ctx.addEndHandler(ended -> {
            Timer.builder("hub.http.requests")
                    .tag("route", RouteNames.of(ctx))
                    .tag("method", ctx.request().method().name())
                    .tag("status", Integer.toString(ctx.response().getStatusCode()))
                    .description("HTTP requests served, by route template, method and status")
                    .publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofMillis(1))
                    .maximumExpectedValue(Duration.ofSeconds(10))
                    .register(registry)
                    .record(System.nanoTime() - started, java.util.concurrent.TimeUnit.NANOSECONDS);
        });
        ctx.next();
    }
}
