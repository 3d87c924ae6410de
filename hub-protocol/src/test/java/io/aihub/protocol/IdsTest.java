package io.aihub.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class IdsTest {

    @RepeatedTest(20)
    void generatedStepIds_areVersion4Uuids_asTheTypeScriptSdkValidatesThem() {
        assertThat(Ids.newStepId()).matches("step-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    }

    @Test
    void generatedAccountAddressesAndDids_haveTheFormsTheSdksRequire() {
        assertThat(Ids.newAddress()).matches("0x[0-9a-f]{40}");
        assertThat(Ids.newDid()).matches("did:nv:[0-9a-f]{64}");
        assertThat(Ids.newTaskId()).matches("task-[0-9a-f-]{36}");
    }

    @Test
    void canonicalStepId_dropsPythonsStrayDollar_andLowerCases() {
        UUID id = UUID.randomUUID();
        assertThat(Ids.canonicalStepId("step-$" + id)).isEqualTo("step-" + id);
        assertThat(Ids.canonicalStepId("step-" + id.toString().toUpperCase())).isEqualTo("step-" + id);
        assertThat(Ids.canonicalStepId("step-1")).isNull();
        assertThat(Ids.canonicalStepId("task-" + id)).isNull();
        assertThat(Ids.canonicalStepId(null)).isNull();
    }
}
