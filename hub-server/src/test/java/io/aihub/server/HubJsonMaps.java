package io.aihub.server;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import io.aihub.server.json.HubJson;
import java.util.Map;

/** JSON trees as maps, for tests that send back what they received. */
final class HubJsonMaps {
    private HubJsonMaps() {}

    static Map<String, Object> toMap(JsonNode node) {
        return HubJson.MAPPER.convertValue(node, new TypeReference<>() {});
    }
}
