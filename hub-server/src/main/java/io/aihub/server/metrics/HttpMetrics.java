package io.aihub.server.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Handler;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;

/**
 * Times every request the router serves, by route template (never an id: {@code /api/v1/agents/:did}),
 * method and status, as {@code hub_http_requests_seconds} with a histogram. The first handler of the
 * router; each route names itself with {@link #named} before its handler runs.
 */
public final class HttpMetrics implements Handler<RoutingContext> {
    private static final String ROUTE = "hub.route";
    private static final String UNMATCHED = "unmatched";

    private final MeterRegistry registry;

    public HttpMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Gives the route's template to the request's timer, then goes on to the route's own handler. */
    public static Route named(Route route) {
        String template = route.getPath();
        return route.handler(ctx -> {
            ctx.put(ROUTE, template);
            ctx.next();
        });
    }

    @Override
    public void handle(RoutingContext ctx) {
        long started = System.nanoTime();
        ctx.addEndHandler(ended -> {
            String route = ctx.get(ROUTE);
            Timer.builder("hub.http.requests")
                    .tag("route", route == null ? UNMATCHED : route)
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
