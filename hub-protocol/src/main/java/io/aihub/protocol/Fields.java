package io.aihub.protocol;

import java.util.List;
import java.util.Map;

/** Shape rules for the free-form JSON fields of the protocol, each failing with the field's name. */
final class Fields {
    private Fields() {
    }

    static void requireObject(String field, Object value) {
        if (value != null && !(value instanceof Map<?, ?>)) {
            throw ApiError.invalid(field, "must be a JSON object");
        }
    }

    static void requireArray(String field, Object value) {
        if (value != null && !(value instanceof List<?>)) {
            throw ApiError.invalid(field, "must be a JSON array");
        }
    }

    static void requireNonNegative(String field, Long value) {
        if (value != null && value < 0) {
            throw ApiError.invalid(field, "must be an integer of at least 0, not " + value);
        }
    }

    static void requirePositive(String field, Integer value) {
        if (value != null && value < 1) {
            throw ApiError.invalid(field, "must be an integer of at least 1, not " + value);
        }
    }
}
