package io.aihub.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The records' JSON as the SDKs read and write it (plain Jackson here; the hub adds java.time support). */
class WireRecordsTest {
    private final ObjectMapper json = JsonMapper.builder()
            .findAndAddModules()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(MapperFeature.AUTO_DETECT_IS_GETTERS)
            .build();

    @Test
    void newTask_acceptsBothGenerationsOfFieldNames() throws Exception {
        NewTask legacy = json.readValue("""
                {"query":"q1","name":"n","additional_params":[{"a":1}],"artifacts":[]}""", NewTask.class);
        NewTask current = json.readValue("""
                {"input_query":"q2","input_additional":{"a":1},"input_artifacts":[{"artifact_id":"x","url":"u"}]}""", NewTask.class);

        assertThat(legacy.query()).isEqualTo("q1");
        assertThat(legacy.additionalParams()).isEqualTo(List.of(java.util.Map.of("a", 1)));
        assertThat(current.query()).isEqualTo("q2");
        assertThat(current.name()).isEmpty();
        assertThat(current.artifacts()).asList().hasSize(1);
    }

    @Test
    void newTask_withoutAQuery_isRefusedNamingTheField() {
        assertThatThrownBy(() -> json.readValue("{}", NewTask.class))
                .isInstanceOf(ValueInstantiationException.class)
                .hasRootCauseInstanceOf(ApiError.class)
                .rootCause()
                .hasMessageContaining("`query` is required");
    }

    @Test
    void joins_refuseIdsLongerThanAnyIdTheHubIssues_withoutEchoingThem() {
        String huge = "t".repeat(201);

        assertThatThrownBy(() -> new SocketPayloads.JoinTasks(List.of("task-1", huge), null))
                .isInstanceOf(ApiError.class)
                .hasMessageContaining("`tasks` must name ids of at most 200 characters")
                .hasMessageNotContaining(huge);
        assertThatThrownBy(() -> new SocketPayloads.JoinRooms(true, huge)).hasMessageContaining("`joinAgentRooms`");
    }

    @Test
    void newStep_refusesTerminalStatusesAndNonPositiveOrders() {
        assertThatThrownBy(() -> json.readValue("{\"step_status\":\"Completed\"}", NewStep.class))
                .rootCause()
                .hasMessageContaining("`step_status` of a new step must be Pending or Not_Ready");
        assertThatThrownBy(() -> json.readValue("{\"order\":0}", NewStep.class))
                .rootCause()
                .hasMessageContaining("`order` must be an integer from 1 to");
    }

    @Test
    void stepRecord_carriesDidSnakeAndCamelTimestampsAndDerivedWaitingFlag() throws Exception {
        Instant at = Instant.parse("2025-02-01T10:00:00Z");
        StepRecord step = new StepRecord(
                "step-1",
                "task-1",
                "did:nv:1",
                Status.Not_Ready,
                "init",
                1,
                null,
                false,
                0,
                "q",
                "[]",
                null,
                null,
                null,
                "{\"a\": 1}",
                null,
                0,
                at,
                at);

        JsonNode node = json.readTree(json.writeValueAsString(step));

        assertThat(node.get("did").asText()).isEqualTo("did:nv:1");
        assertThat(node.get("is_waiting").asBoolean()).isTrue();
        assertThat(node.get("createdAt").asText()).isEqualTo("2025-02-01T10:00:00.000Z");
        assertThat(node.get("created_at").asText()).isEqualTo("2025-02-01T10:00:00.000Z");
        assertThat(node.get("output_additional").get("a").asInt()).isEqualTo(1);
        assertThat(node.get("input_params").isArray()).isTrue();
        assertThat(node.has("waiting")).isFalse();
    }

    @Test
    void taskUpdated_carriesTheStatusUnderBothNamesTheSdksRead() throws Exception {
        TaskUpdated event =
                new TaskUpdated("task-1", "did:nv:1", Status.Completed, "", "out", 3, Instant.EPOCH, null, null, null);

        JsonNode node = json.readTree(json.writeValueAsString(event));

        assertThat(node.get("task_status").asText()).isEqualTo("Completed");
        assertThat(node.get("status").asText()).isEqualTo("Completed");
        assertThat(node.get("cost").isIntegralNumber()).isTrue();
    }

    @Test
    void aTaskUpdatedEndsItsTask_onlyAsASnapshotInAFinalStatus() {
        Instant at = Instant.EPOCH;
        assertThat(new TaskUpdated("t", "d", Status.Completed, "", "", 0, at, null, null, null).endsTask())
                .isTrue();
        assertThat(new TaskUpdated("t", "d", Status.Failed, "", "", 0, at, null, null, null).endsTask())
                .isTrue();
        assertThat(new TaskUpdated("t", "d", Status.In_Progress, "", "", 0, at, null, null, null).endsTask())
                .isFalse();
        assertThat(new TaskUpdated("t", "d", Status.Completed, "", "", 0, at, "done", "info", null).endsTask())
                .as("a log line relays a status, it does not end the task")
                .isFalse();
    }
}
