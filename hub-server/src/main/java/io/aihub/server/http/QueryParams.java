package io.aihub.server.http;

import io.aihub.protocol.ApiError;
import io.aihub.protocol.Status;
import io.vertx.ext.web.RoutingContext;
import java.util.Arrays;
import java.util.List;

/** Query-string values as the SDKs send them: {@code ?&status=Pending&dids=a,b}, possibly URL-encoded. */
public final class QueryParams {
    private QueryParams() {}

    /** The {@code status} filter, or null when absent or empty. */
    public static Status status(RoutingContext ctx) {
        String value = ctx.queryParams().get("status");
        return value == null || value.isBlank() ? null : Status.parseQuery(value.strip());
    }

    /** Comma-separated (or repeated) {@code dids}; empty when absent. */
    public static List<String> dids(RoutingContext ctx) {
        return ctx.queryParams().getAll("dids").stream()
                .flatMap(value -> Arrays.stream(value.split(",")))
                .map(String::strip)
                .filter(did -> !did.isEmpty())
                .distinct()
                .toList();
    }

    /** A whole-number parameter, or null when absent or empty; anything else is a 400 naming it. */
    public static Integer integer(RoutingContext ctx, String name) {
        String value = ctx.queryParams().get(name);
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Integer.valueOf(value.strip());
        } catch (NumberFormatException e) {
            throw ApiError.invalid(name, "must be a whole number, not '" + abbreviated(value) + "'");
        }
    }

    private static String abbreviated(String value) {
        return value.length() <= 40 ? value : value.substring(0, 40) + "...";
    }
}
