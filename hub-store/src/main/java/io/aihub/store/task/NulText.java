package io.aihub.store.task;

import io.aihub.protocol.ApiError;
import java.util.Collection;
import java.util.Map;

/**
 * PostgreSQL cannot store the NUL character, in text or in JSON. A request that carries one is refused
 * here, alone, before it joins a batch: the database would refuse the whole batch's statement, which
 * is then written again one request at a time.
 */
final class NulText {
    private NulText() {}

    /** Refuses texts, or JSON values as parsed (maps, lists, strings), that hold a NUL anywhere. */
    static void refuse(Object... values) {
        for (Object value : values) {
            if (holdsNul(value)) {
                throw ApiError.badRequest("text cannot contain the NUL character (\\u0000) or invalid UTF-8");
            }
        }
    }

    private static boolean holdsNul(Object value) {
        return switch (value) {
            case null -> false;
            case String text -> text.indexOf('\u0000') >= 0;
            case Map<?, ?> map ->
                map.entrySet().stream().anyMatch(entry -> holdsNul(entry.getKey()) || holdsNul(entry.getValue()));
            case Collection<?> items -> items.stream().anyMatch(NulText::holdsNul);
            default -> false;
        };
    }
}
