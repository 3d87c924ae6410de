package io.aihub.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StatusTest {

    @ParameterizedTest
    @CsvSource({
        "Pending,Pending",
        "AgentExecutionStatus.Pending,Pending",
        "In_Progress,In_Progress",
        "AgentExecutionStatus.Completed,Completed"
    })
    void queryValues_acceptThePythonEnumReprSuffix(String value, Status expected) {
        assertThat(Status.parseQuery(value)).isEqualTo(expected);
    }

    @Test
    void anUnknownStatus_isRefusedNamingTheFieldAndTheAllowedValues() {
        assertThatThrownBy(() -> Status.parse("step_status", "pending")).isInstanceOfSatisfying(ApiError.class, e -> {
            assertThat(e.kind()).isEqualTo(ApiError.Kind.BAD_REQUEST);
            assertThat(e.getMessage()).contains("`step_status`", "Pending, In_Progress, Not_Ready, Completed, Failed");
        });
    }

    @Test
    void onlyCompletedAndFailedAreTerminal() {
        assertThat(Status.values()).filteredOn(Status::isTerminal).containsExactly(Status.Completed, Status.Failed);
    }
}
