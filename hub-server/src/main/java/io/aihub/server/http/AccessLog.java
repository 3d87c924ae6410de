package io.aihub.server.http;

import io.aihub.server.auth.Authenticator;
import io.aihub.server.auth.Caller;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per request, once its answer is written, on the logger {@code io.aihub.access}: method, route
 * template, status, duration, the account that sent it (never its token), and the request's correlation
 * id, which the answer carries as {@code X-Request-Id} and a 500's error body and log line repeat (the
 * request's own {@code X-Request-Id} when a proxy sent one of up to 64 letters, digits, dots, dashes and
 * underscores; else a random one). The
 * fields are also key-value pairs, which {@code HUB_LOG_FORMAT=json} writes as JSON fields. Health probes,
 * which a load balancer sends every few seconds, are logged at DEBUG only.
 */
public final class AccessLog implements Handler<RoutingContext> {
    private static final Logger LOG = LoggerFactory.getLogger("io.aihub.access");
    private static final String CORRELATION = "aihub.correlation";
    public static final String HEADER = "X-Request-Id";
    /** An id a proxy in front sent (nginx's {@code $request_id}), kept so that both logs share it. */
    private static final Pattern OFFERED = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    @Override
    public void handle(RoutingContext ctx) {
        long started = System.nanoTime();
        String offered = ctx.request().getHeader(HEADER);
        String correlation = offered != null && OFFERED.matcher(offered).matches()
                ? offered
                : Long.toHexString(ThreadLocalRandom.current().nextLong());
        ctx.put(CORRELATION, correlation);
        ctx.response().putHeader(HEADER, correlation);
        ctx.addEndHandler(ended -> {
            String route = RouteNames.of(ctx);
            boolean probe = route.startsWith("/health");
            if (probe ? !LOG.isDebugEnabled() : !LOG.isInfoEnabled()) {
                return;
            }
            Caller caller = ctx.get(Authenticator.SIGNED_CALLER);
            String account =
                    caller == null ? (ctx.get(CredentialGate.SENDER) == null ? "-" : "admin") : caller.address();
            String method = ctx.request().method().name();
            int status = ctx.response().getStatusCode();
            long micros = TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - started);
            (probe ? LOG.atDebug() : LOG.atInfo())
                    .addKeyValue("method", method)
                    .addKeyValue("route", route)
                    .addKeyValue("status", status)
                    .addKeyValue("duration_ms", micros / 1000.0)
                    .addKeyValue("account", account)
                    .addKeyValue("correlation_id", correlation)
                    .log(
                            "{} {} {} {} ms account={} correlation={}",
                            method,
                            route,
                            status,
                            micros / 1000.0,
                            account,
                            correlation);
        });
        ctx.next();
    }

    /** The request's correlation id (one is made up if the access log did not run). */
    public static String correlationOf(RoutingContext ctx) {
        String correlation = ctx.get(CORRELATION);
        return correlation == null
                ? Long.toHexString(ThreadLocalRandom.current().nextLong())
                : correlation;
    }
}
