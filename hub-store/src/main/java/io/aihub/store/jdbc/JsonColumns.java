package io.aihub.store.jdbc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * Writes values as the JSON text the store keeps in {@code json} and {@code jsonb} columns: free-form
 * agent fields, and the payloads of the events outbox, which reach sockets exactly as written here. So
 * it writes records as the wire does (their Jackson annotations, ISO timestamps, no bean-style {@code is}
 * getters); the server's reader and writer of HTTP bodies is its own.
 */
public final class JsonColumns {
    private static final ObjectMapper WRITER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(MapperFeature.AUTO_DETECT_IS_GETTERS)
            .build();

    private JsonColumns() {}

    /** JSON text of a value, or null for null. */
    public static String write(Object value) {
        if (value == null) {
            return null;
        }
        try {
            return WRITER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(
                    "cannot write " + value.getClass().getName() + " as JSON", e);
        }
    }
}
