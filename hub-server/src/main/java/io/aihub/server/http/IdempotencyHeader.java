package io.aihub.server.http;

import io.aihub.server.auth.Caller;
import io.aihub.store.task.IdempotencyKey;
import io.aihub.store.task.Idempotent;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The {@code Idempotency-Key} header of a creation (IETF draft-ietf-httpapi-idempotency-key-header), and
 * the answer it gets: what was written now (201), or the first answer to the same key, replayed with an
 * {@code Idempotent-Replayed: true} header.
 */
public final class IdempotencyHeader {
    static final String HEADER = "Idempotency-Key";

    private IdempotencyHeader() {}

    /**
     * The request's key, with a hash of what it asks (method, path and body), or null when it sent none.
     * A quoted value (the draft's structured-field string) is taken without its quotes.
     */
    public static IdempotencyKey of(RoutingContext ctx, Caller caller) {
        String value = ctx.request().getHeader(HEADER);
        if (value == null) {
            return null;
        }
        String key = value.strip();
        if (key.length() >= 2 && key.startsWith("\"") && key.endsWith("\"")) {
            key = key.substring(1, key.length() - 1);
        }
        return new IdempotencyKey(caller.address(), key, hash(ctx));
    }

    /** Answers with what was created (201), or replays the first answer to the same key. */
    public static <T> void reply(RoutingContext ctx, Idempotent<T> answer) {
        switch (answer) {
            case Idempotent.Fresh<T> fresh -> Replies.created(ctx, fresh.value());
            case Idempotent.Replayed<T> replayed ->
                ctx.response()
                        .setStatusCode(replayed.status())
                        .putHeader("Content-Type", "application/json; charset=utf-8")
                        .putHeader("Idempotent-Replayed", "true")
                        .end(replayed.body());
        }
    }

    private static String hash(RoutingContext ctx) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update((ctx.request().method().name() + " " + ctx.normalizedPath() + "\n")
                    .getBytes(StandardCharsets.UTF_8));
            Buffer body = ctx.body().buffer();
            if (body != null) {
                sha256.update(body.getBytes());
            }
            return HexFormat.of().formatHex(sha256.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
