package io.aihub.server.json;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import io.aihub.protocol.ApiError;
import io.aihub.protocol.Status;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Reads JSON from clients (request bodies, socket payloads) into protocol records. Every way it can
 * be wrong becomes an {@link ApiError} naming the field and the rule: bad JSON, deep nesting, wrong
 * types, broken rules.
 */
public final class JsonInput {
    private JsonInput() {}

    public static JsonNode parse(byte[] json) {
        try {
            return HubJson.MAPPER.readTree(json);
        } catch (IOException e) {
            throw translate(e, "");
        }
    }

    public static JsonNode parse(String json) {
        try {
            return HubJson.MAPPER.readTree(json);
        } catch (IOException e) {
            throw translate(e, "");
        }
    }

    /** Converts one node to a record; {@code where} prefixes field names in errors (e.g. {@code steps[2].}). */
    public static <T> T convert(JsonNode node, Class<T> type, String where) {
        if (node == null || !node.isObject()) {
            throw ApiError.badRequest(
                    (where.isEmpty() ? "the payload" : "`" + stripDot(where) + "`") + " must be a JSON object");
        }
        requireWholeCharacters(node, where.isEmpty() ? "" : stripDot(where));
        try {
            return HubJson.MAPPER.treeToValue(node, type);
        } catch (IOException | IllegalArgumentException e) {
            throw translate(e, where);
        }
    }

    /**
     * Refuses text that is not Unicode: a lone UTF-16 surrogate (which JSON's {@code \\ud800} escapes can
     * spell) has no UTF-8 form, and would be stored as {@code ?}, silently changing what was sent.
     */
    private static void requireWholeCharacters(JsonNode node, String path) {
        if (node.isTextual()) {
            if (!isWholeCharacters(node.textValue())) {
                throw ApiError.invalid(
                        path.isEmpty() ? "the payload" : path,
                        "holds a lone UTF-16 surrogate (an escape such as \\ud800 without its pair): not text");
            }
        } else if (node.isObject()) {
            for (var field : node.properties()) {
                if (!isWholeCharacters(field.getKey())) {
                    throw ApiError.invalid(
                            path.isEmpty() ? "the payload" : path,
                            "has a field name holding a lone UTF-16 surrogate: not text");
                }
                requireWholeCharacters(field.getValue(), path.isEmpty() ? field.getKey() : path + "." + field.getKey());
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                requireWholeCharacters(node.get(i), path + "[" + i + "]");
            }
        }
    }

    private static boolean isWholeCharacters(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                    continue;
                }
                return false;
            }
            if (Character.isLowSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    static ApiError translate(Exception e, String where) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof ApiError error) {
                return where.isEmpty() ? error : new ApiError(error.kind(), where + error.getMessage(), error);
            }
        }
        if (e instanceof StreamConstraintsException) {
            return ApiError.badRequest("the JSON nests deeper than " + HubJson.MAX_NESTING_DEPTH + " levels");
        }
        if (e instanceof JsonParseException parse) {
            String reason = parse.getOriginalMessage().split("\\s\\(|\\n", 2)[0];
            return ApiError.badRequest(
                    "not valid JSON (line " + parse.getLocation().getLineNr() + ", column "
                            + parse.getLocation().getColumnNr() + "): " + reason);
        }
        if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            Class<?> target = switch (mapping) {
                case MismatchedInputException mismatch -> mismatch.getTargetType();
                case ValueInstantiationException instantiation ->
                    instantiation.getType().getRawClass();
                default -> null;
            };
            return ApiError.invalid(where + path(mapping), "must be " + describe(target));
        }
        if (e instanceof JsonProcessingException processing) {
            return ApiError.badRequest("the JSON cannot be read: " + processing.getOriginalMessage());
        }
        return ApiError.badRequest("the JSON cannot be read: " + e.getMessage());
    }

    private static String path(JsonMappingException e) {
        return e.getPath().stream()
                .map(reference ->
                        reference.getFieldName() != null ? reference.getFieldName() : "[" + reference.getIndex() + "]")
                .collect(Collectors.joining("."))
                .replace(".[", "[");
    }

    private static String describe(Class<?> type) {
        if (type == null) {
            return "of another type";
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "an integer";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "a string";
        }
        if (type == Status.class) {
            return "one of " + Arrays.stream(Status.values()).map(Status::wire).collect(Collectors.joining(", "));
        }
        if (List.class.isAssignableFrom(type) || type.isArray()) {
            return "a JSON array";
        }
        if (Map.class.isAssignableFrom(type) || type.isRecord()) {
            return "a JSON object";
        }
        return "a " + type.getSimpleName();
    }

    private static String stripDot(String where) {
        return where.endsWith(".") ? where.substring(0, where.length() - 1) : where;
    }
}
