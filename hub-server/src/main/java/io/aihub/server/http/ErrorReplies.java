package io.aihub.server.http;

import io.aihub.protocol.ApiError;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one failure handler: every error leaves as {@code {"statusCode", "error", "message"}} with the
 * right status. Anything that is not an {@link ApiError} is a bug: a 500 with a correlation id that
 * is also in the log.
 */
public final class ErrorReplies {
    private static final Logger LOG = LoggerFactory.getLogger(ErrorReplies.class);

    private final int maxBodyBytes;

    public ErrorReplies(int maxBodyBytes) {
        this.maxBodyBytes = maxBodyBytes;
    }

    public void handle(RoutingContext ctx) {
        if (ctx.response().ended() || ctx.response().closed()) {
            return;
        }
        closeIfBodyUnread(ctx);
        Throwable failure = ctx.failure();
        ApiError error = switch (failure) {
            case ApiError api -> api;
            case HttpException http -> fromStatus(ctx, http.getStatusCode());
            case null -> fromStatus(ctx, ctx.statusCode());
            default -> null;
        };
        if (error == null) {
            String correlation = AccessLog.correlationOf(ctx);
            LOG.error(
                    "request {} {} failed [correlation {}]",
                    ctx.request().method(),
                    ctx.request().path(),
                    correlation,
                    failure);
            reply(
                    ctx,
                    500,
                    "Internal Server Error",
                    "the hub failed to handle this request; report correlation id " + correlation,
                    correlation);
            return;
        }
        if (error.kind() == ApiError.Kind.UNAVAILABLE && !ctx.request().path().startsWith("/health")) {
            LOG.warn(
                    "request {} {} answered 503: {}",
                    ctx.request().method(),
                    ctx.request().path(),
                    error.getCause() == null
                            ? error.getMessage()
                            : error.getCause().toString());
        }
        send(ctx.response(), error);
    }

    /**
     * Writes {@code error} as the hub's one error body, with {@code Retry-After} when it says when to
     * try again. For every error answer the hub gives, whoever handles the request.
     */
    public static Future<Void> send(HttpServerResponse response, ApiError error) {
        if (error.retryAfterSeconds() > 0) {
            response.putHeader("Retry-After", Integer.toString(error.retryAfterSeconds()));
        }
        return send(response, error.kind().status, error.kind().reason, error.getMessage(), null);
    }

    /**
     * A request refused before its body was read: the body is not wanted either, so the connection is
     * closed once the answer is written, rather than kept to read what the client still sends.
     */
    private void closeIfBodyUnread(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        if (request.isEnded() || !hasBody(request)) {
            return; // a request without a body keeps its connection alive, refused or not
        }
        ctx.response().putHeader("Connection", "close");
        long declared = declaredLength(request);
        if (declared >= 0 && declared <= DRAINED_BODIES * (long) maxBodyBytes) {
            // Read and drop the rest, so the client, still sending, reads the answer: closing with its bytes
            // unread would reset the connection and could lose the answer. Nothing is kept; the connection
            // closes once the body has ended, or at the idle timeout if it never does.
            request.handler(dropped -> {});
            request.endHandler(ended -> request.connection().close());
            request.resume();
        } else {
            ctx.addEndHandler(written -> request.connection().close());
        }
    }

    private static boolean hasBody(HttpServerRequest request) {
        return declaredLength(request) > 0 || request.getHeader("Transfer-Encoding") != null;
    }

    /** Bodies up to this many times the limit are read to their end, and dropped, after a refusal. */
    private static final int DRAINED_BODIES = 4;

    private static long declaredLength(HttpServerRequest request) {
        try {
            String length = request.getHeader("Content-Length");
            return length == null ? -1 : Long.parseLong(length.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** A body over the per-request limit. */
    public static ApiError tooLarge(int maxBodyBytes) {
        return new ApiError(
                ApiError.Kind.PAYLOAD_TOO_LARGE,
                "the body is larger than the hub's limit of " + maxBodyBytes + " bytes (HUB_MAX_BODY_BYTES)");
    }

    /** Unmatched path (its body, if any, is not read: the connection closes after the answer). */
    public void noRoute(RoutingContext ctx) {
        closeIfBodyUnread(ctx);
        reply(
                ctx,
                404,
                "Not Found",
                "no endpoint " + ctx.request().method() + " " + ctx.request().path()
                        + "; the API is described at /api/v1/rest/docs-json",
                null);
    }

    /** Matched path, other method. */
    public void wrongMethod(RoutingContext ctx) {
        closeIfBodyUnread(ctx);
        reply(
                ctx,
                405,
                "Method Not Allowed",
                ctx.request().path() + " does not take " + ctx.request().method()
                        + "; the API is described at /api/v1/rest/docs-json",
                null);
    }

    private ApiError fromStatus(RoutingContext ctx, int status) {
        return switch (status) {
            case 413 -> tooLarge(maxBodyBytes);
            case 400 -> ApiError.badRequest("the request is malformed");
            case 401 -> ApiError.unauthorized("authentication is required");
            case 403 -> ApiError.forbidden("not allowed");
            case 404 -> ApiError.notFound("path", ctx.request().path());
            case 415 -> new ApiError(ApiError.Kind.UNSUPPORTED_MEDIA_TYPE, "send Content-Type: application/json");
            default -> null;
        };
    }

    private static void reply(RoutingContext ctx, int status, String reason, String message, String correlation) {
        send(ctx.response(), status, reason, message, correlation);
    }

    /** {@code {"statusCode", "error", "message"[, "correlationId"]}} with that status. */
    public static Future<Void> send(
            HttpServerResponse response, int status, String reason, String message, String correlation) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("statusCode", status);
        body.put("error", reason);
        body.put("message", message);
        if (correlation != null) {
            body.put("correlationId", correlation);
        }
        return Replies.json(response, status, body);
    }
}
