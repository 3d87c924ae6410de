package io.aihub.protocol;

import java.util.List;
import java.util.Map;

/** Shape rules for the free-form JSON fields of the protocol, each failing with the field's name. */
final class Fields {
    private Fields() {}

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

    /** Far above any id the hub issues (a task id is 41 characters, a DID 71). */
    static final int MAX_ID_LENGTH = 200;

    /** A string, an array of strings, or absent; at most {@code max} of them, each an id's length at most. */
    static void requireStringOrStrings(String field, Object value, int max) {
        if (value == null) {
            return;
        }
        List<?> list = value instanceof List<?> many ? many : List.of(value);
        if (!list.stream().allMatch(String.class::isInstance)) {
            throw ApiError.invalid(field, "must be a string or an array of strings");
        }
        if (list.size() > max) {
            throw ApiError.invalid(field, "must name at most " + max + " ids, not " + list.size());
        }
        if (list.stream().anyMatch(id -> ((String) id).length() > MAX_ID_LENGTH)) {
            throw ApiError.invalid(field, "must name ids of at most " + MAX_ID_LENGTH + " characters");
        }
    }

    /** The strings of a value checked by {@link #requireStringOrStrings}, without blanks and repeats. */
    static List<String> strings(Object value) {
        if (value == null) {
            return List.of();
        }
        List<?> list = value instanceof List<?> many ? many : List.of(value);
        return list.stream()
                .map(String.class::cast)
                .map(String::strip)
                .filter(s -> !s.isEmpty())
                .distinct()
                .toList();
    }

    /** Costs are credits: whole, not negative, and small enough that any task's sum stays exact. */
    static final long MAX_COST = 1_000_000_000_000L;

    static final int MAX_ORDER = 1_000_000;

    static void requireCost(String field, Long value) {
        if (value != null && (value < 0 || value > MAX_COST)) {
            throw ApiError.invalid(field, "must be an integer from 0 to " + MAX_COST + ", not " + value);
        }
    }

    static void requireOrder(String field, Integer value) {
        if (value != null && (value < 1 || value > MAX_ORDER)) {
            throw ApiError.invalid(field, "must be an integer from 1 to " + MAX_ORDER + ", not " + value);
        }
    }
}
