package io.aihub.protocol;

/**
 * A failure the caller can act on: it carries the HTTP status and a message naming what was wrong.
 * Everything else that escapes a request is a bug and is reported as a 500 with a correlation id.
 */
public final class ApiError extends RuntimeException {
    public enum Kind {
        BAD_REQUEST(400, "Bad Request"),
        UNAUTHORIZED(401, "Unauthorized"),
        FORBIDDEN(403, "Forbidden"),
        NOT_FOUND(404, "Not Found"),
        REQUEST_TIMEOUT(408, "Request Timeout"),
        CONFLICT(409, "Conflict"),
        PAYLOAD_TOO_LARGE(413, "Payload Too Large"),
        UNSUPPORTED_MEDIA_TYPE(415, "Unsupported Media Type"),
        UNPROCESSABLE(422, "Unprocessable Content"),
        TOO_MANY_REQUESTS(429, "Too Many Requests"),
        UNAVAILABLE(503, "Service Unavailable");

        public final int status;
        public final String reason;

        Kind(int status, String reason) {
            this.status = status;
            this.reason = reason;
        }
    }

    private final Kind kind;
    private final int retryAfterSeconds;

    public ApiError(Kind kind, String message) {
        this(kind, message, null);
    }

    public ApiError(Kind kind, String message, Throwable cause) {
        this(kind, message, cause, 0);
    }

    private ApiError(Kind kind, String message, Throwable cause, int retryAfterSeconds) {
        super(message, cause, false, false);
        this.kind = kind;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public Kind kind() {
        return kind;
    }

    /** When the caller may try again, in seconds (sent as {@code Retry-After}); 0 when not said. */
    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** A field broke a rule: "`order` must be an integer of at least 1". */
    public static ApiError invalid(String field, String rule) {
        return new ApiError(Kind.BAD_REQUEST, "`" + field + "` " + rule);
    }

    public static ApiError badRequest(String message) {
        return new ApiError(Kind.BAD_REQUEST, message);
    }

    public static ApiError notFound(String what, String id) {
        return new ApiError(Kind.NOT_FOUND, what + " '" + id + "' does not exist or is not yours");
    }

    public static ApiError conflict(String message) {
        return new ApiError(Kind.CONFLICT, message);
    }

    public static ApiError forbidden(String message) {
        return new ApiError(Kind.FORBIDDEN, message);
    }

    public static ApiError unauthorized(String message) {
        return new ApiError(Kind.UNAUTHORIZED, message);
    }

    public static ApiError unavailable(String message, Throwable cause) {
        return new ApiError(Kind.UNAVAILABLE, message, cause);
    }

    /** The hub is too busy for this request right now: a 503 that says when to try again. */
    public static ApiError busy(String message, int retryAfterSeconds) {
        return new ApiError(Kind.UNAVAILABLE, message, null, retryAfterSeconds);
    }

    /** The caller sent more than its share: a 429 that says when to try again. */
    public static ApiError tooManyRequests(String message, int retryAfterSeconds) {
        return new ApiError(Kind.TOO_MANY_REQUESTS, message, null, retryAfterSeconds);
    }
}
