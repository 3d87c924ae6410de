package io.aihub.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aihub.store.task.StepLeases;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HubConfigTest {

    @Test
    void defaults_serveTheTypeScriptSdksLocalEnvironment() {
        HubConfig config = HubConfig.fromEnvironment(Map.of());

        assertThat(config.port()).isEqualTo(3001);
        assertThat(config.publicUrl()).isEqualTo("http://localhost:3001");
        assertThat(config.database().jdbcUrl()).isEqualTo(HubConfig.DEFAULT_DATABASE_URL);
        assertThat(config.http().maxBodyBytes()).isEqualTo(1024 * 1024);
        assertThat(config.adminToken()).isEmpty();
        assertThat(config.extraPorts()).isEmpty();
    }

    @Test
    void stepLeases_areReadInSeconds_andDefaultToFiveMinutesAndFiveAttempts() {
        assertThat(HubConfig.fromEnvironment(Map.of()).leases()).isEqualTo(StepLeases.DEFAULTS);
        HubConfig short_ =
                HubConfig.fromEnvironment(Map.of("HUB_STEP_LEASE_SECONDS", "1", "HUB_STEP_MAX_ATTEMPTS", "2"));
        assertThat(short_.leases().lease()).hasSeconds(1);
        assertThat(short_.leases().maxAttempts()).isEqualTo(2);
    }

    @Test
    void endedTasksAreKeptForEver_unlessHubRetentionDaysIsSet() {
        assertThat(HubConfig.fromEnvironment(Map.of()).keepTasks()).isEmpty();
        assertThat(HubConfig.fromEnvironment(Map.of("HUB_RETENTION_DAYS", "")).keepTasks())
                .as("blank, as compose files write it")
                .isEmpty();
        assertThat(HubConfig.fromEnvironment(Map.of("HUB_RETENTION_DAYS", "30")).keepTasks())
                .contains(Duration.ofDays(30));
    }

    @Test
    void theDatabaseWaitAndTheShutdown_areReadInSeconds() {
        HubConfig defaults = HubConfig.fromEnvironment(Map.of());
        HubConfig set = HubConfig.fromEnvironment(Map.of("HUB_DB_WAIT_SECONDS", "0", "HUB_SHUTDOWN_SECONDS", "30"));

        assertThat(defaults.database().startupWait()).hasSeconds(60);
        assertThat(defaults.shutdown()).hasSeconds(10);
        assertThat(set.database().startupWait()).isZero();
        assertThat(set.shutdown()).hasSeconds(30);
    }

    @Test
    void aDatabaseUrlWithAPassword_isNeverQuotedInTheRefusal() {
        assertThatThrownBy(() -> HubConfig.fromEnvironment(
                        Map.of("HUB_DATABASE_URL", "jdbc:postgresql://db/my-hub?password=s3cret")))
                .hasMessageStartingWith("HUB_DATABASE_URL ")
                .hasMessageNotContaining("s3cret");
    }

    @Test
    void metrics_areServedOnTheirOwnPort_9464ByDefault_orOff() {
        assertThat(HubConfig.fromEnvironment(Map.of()).metricsPort()).contains(9464);
        assertThat(HubConfig.fromEnvironment(Map.of("HUB_METRICS_PORT", "9100")).metricsPort())
                .contains(9100);
        assertThat(HubConfig.fromEnvironment(Map.of("HUB_METRICS_PORT", "off")).metricsPort())
                .isEmpty();
    }

    @Test
    void extraPorts_areACommaSeparatedList() {
        assertThat(HubConfig.fromEnvironment(Map.of("HUB_EXTRA_PORTS", "3100, 3200"))
                        .extraPorts())
                .containsExactly(3100, 3200);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "HUB_PORT|abc",
                "HUB_PORT|70000",
                "HUB_DATABASE_URL|mysql://localhost/hub",
                "HUB_DATABASE_URL|jdbc:postgresql://localhost:5432/my-db",
                "HUB_PUBLIC_URL|localhost:3001",
                "HUB_ADMIN_TOKEN|short",
                "HUB_SIGNING_KEY|too-short",
                "HUB_MAX_BODY_BYTES|12",
                "HUB_DB_POOL_SIZE|0",
                "HUB_EXTRA_PORTS|3100;3200",
                "HUB_EXTRA_PORTS|3001",
                "HUB_EXTRA_PORTS|0",
                "HUB_STEP_LEASE_SECONDS|0",
                "HUB_STEP_LEASE_SECONDS|86401",
                "HUB_STEP_MAX_ATTEMPTS|101",
                "HUB_RETENTION_DAYS|0",
                "HUB_DB_WAIT_SECONDS|-1",
                "HUB_SHUTDOWN_SECONDS|0",
                "HUB_METRICS_PORT|70000",
                "HUB_LOG_FORMAT|xml",
                "HUB_METRICS_PORT|yes",
                "HUB_RETENTION_DAYS|a week",
                "HUB_MAX_CONNECTIONS|0",
                "HUB_RATE_LIMIT|-1"
            })
    void anInvalidValue_stopsTheHubWithAMessageNamingTheVariable(String variable, String value) {
        assertThatThrownBy(() -> HubConfig.fromEnvironment(Map.of(variable, value)))
                .isInstanceOfSatisfying(HubConfig.InvalidConfig.class, e -> {
                    assertThat(e.variable()).isEqualTo(variable);
                    assertThat(e.getMessage()).startsWith(variable + " ");
                });
    }
}
