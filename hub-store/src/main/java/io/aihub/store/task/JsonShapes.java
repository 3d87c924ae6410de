package io.aihub.store.task;

import io.aihub.store.jdbc.JsonColumns;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Normalises the free-form JSON that agents and SDK generations send into the shapes every SDK can
 * read back (the Python SDK 0.7 validates them strictly), as JSON text for {@code jsonb} columns.
 */
final class JsonShapes {
    private JsonShapes() {}

    static String json(Object value) {
        return JsonColumns.write(value);
    }

    /** A non-string output is stored as its JSON text: readers require a string. */
    static String text(Object value) {
        return value == null || value instanceof String ? (String) value : JsonColumns.write(value);
    }

    /** An object stays; any other value is wrapped as {@code {"value": v}}. */
    static String object(Object value) {
        if (value == null || value instanceof Map<?, ?>) {
            return json(value);
        }
        return json(Map.of("value", value));
    }

    /** An array stays; any other value becomes a one-element array. */
    static String array(Object value) {
        if (value == null || value instanceof List<?>) {
            return json(value);
        }
        return json(List.of(value));
    }

    /**
     * The object view of legacy {@code additional_params} (an array of small maps): their entries
     * merged in order; null when there are none.
     */
    static String mergedObject(Object params) {
        if (!(params instanceof List<?> list)) {
            return null;
        }
        Map<Object, Object> merged = new LinkedHashMap<>();
        for (Object item : list) {
            if (item instanceof Map<?, ?> map) {
                merged.putAll(map);
            }
        }
        return merged.isEmpty() ? null : json(merged);
    }

    /** The legacy array view of an {@code input_additional} object: one single-entry map per key. */
    static String entryArray(Object additional) {
        if (!(additional instanceof Map<?, ?> map)) {
            return json(List.of());
        }
        return json(map.entrySet().stream()
                .map(entry -> Collections.singletonMap(entry.getKey(), entry.getValue()))
                .toList());
    }
}
