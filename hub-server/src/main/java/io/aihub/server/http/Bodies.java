package io.aihub.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.aihub.protocol.ApiError;
import io.aihub.server.json.HubJson;
import io.aihub.server.json.JsonInput;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;

/** Reads request bodies: JSON only (415 otherwise), an empty body reads as {@code {}}. */
public final class Bodies {
    private Bodies() {}

    /** The body as a record. */
    public static <T> T read(RoutingContext ctx, Class<T> type) {
        return JsonInput.convert(tree(ctx), type, "");
    }

    /** The body as a JSON tree. */
    public static JsonNode tree(RoutingContext ctx) {
        String contentType = ctx.request().getHeader("Content-Type");
        if (contentType != null && !isJson(contentType)) {
            throw new ApiError(
                    ApiError.Kind.UNSUPPORTED_MEDIA_TYPE,
                    "send the body as JSON with Content-Type: application/json, not " + contentType);
        }
        Buffer body = ctx.body().buffer();
        if (body == null || body.length() == 0) {
            return HubJson.MAPPER.createObjectNode();
        }
        return JsonInput.parse(body.getBytes());
    }

    /** {@code application/json} or a {@code +json} type, with any parameters ({@code ; charset=utf-8}). */
    static boolean isJson(String contentType) {
        String mediaType = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        return mediaType.equals("application/json")
                || (mediaType.startsWith("application/") && mediaType.endsWith("+json"));
    }
}
