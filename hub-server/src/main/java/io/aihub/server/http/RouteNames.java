package io.aihub.server.http;

import io.vertx.ext.web.Route;
import io.vertx.ext.web.RoutingContext;

/**
 * The template of the route that serves a request ({@code /api/v1/agents/:did/tasks}, never an id), for
 * the access log and the metrics: each route names itself with {@link #named} before its handler runs.
 */
public final class RouteNames {
    private static final String KEY = "aihub.route";
    /** A request answered before a route matched it: a 401 of the credential check, a 404. */
    public static final String UNMATCHED = "unmatched";

    private RouteNames() {}

    /** Gives the route's template to the request, then goes on to the route's own handler. */
    public static Route named(Route route) {
        String template = route.getPath();
        return route.handler(ctx -> {
            ctx.put(KEY, template);
            ctx.next();
        });
    }

    /** The template of the route that served the request, or {@link #UNMATCHED}. */
    public static String of(RoutingContext ctx) {
        String template = ctx.get(KEY);
        return template == null ? UNMATCHED : template;
    }
}
