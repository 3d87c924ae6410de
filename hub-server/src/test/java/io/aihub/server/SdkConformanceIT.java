package io.aihub.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.aihub.store.jdbc.TestDatabase;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Real clients driving the built {@code hub.jar} as a separate process, the hub as operators run it:
 * the official TypeScript SDK ({@code @nevermined-io/payments}) and socket.io-client from npm
 * ({@code sdk-tests/}), and python-socketio as the Python SDK uses it ({@code sdk-tests/python/}).
 */
class SdkConformanceIT {
    private static final String ADMIN_TOKEN = "sdk-it-admin-token-0123456789";
    /** Debian's interpreter: python-socketio comes from apt (PyPI is not reachable here). */
    private static final String PYTHON = "/usr/bin/python3";

    private static HubProcess hub;
    private static String hubUrl;

    @BeforeAll
    static void startHubJar() throws Exception {
        assertThat(HubProcess.JAR)
                .as("the fat jar is built by `package` before integration tests")
                .exists();
        hub = HubProcess.start("hub.jar", TestDatabase.freshSchemaUrl(), ADMIN_TOKEN);
        hubUrl = hub.url();
        SdkTests.install();
    }

    @AfterAll
    static void stopHubJar() throws Exception {
        if (hub != null) {
            hub.close();
        }
    }

    @Test
    void theTypeScriptSdk_drivesTheRestHalfOfTheProtocol() throws Exception {
        assertThat(node("rest.test.mjs"))
                .as("node --test rest.test.mjs exit code (output above)")
                .isZero();
    }

    @Test
    void theTypeScriptSdk_andSocketIoClient_driveTheRealtimeHalfOfTheProtocol() throws Exception {
        assertThat(node("realtime.test.mjs", "socketio.test.mjs"))
                .as("node --test realtime.test.mjs socketio.test.mjs exit code (output above)")
                .isZero();
    }

    @Test
    void pythonSocketIo_connectsAndReceivesEvents_asThePythonSdkUsesIt() throws Exception {
        ProcessBuilder builder =
                new ProcessBuilder(PYTHON, "python/socketio_conformance.py").directory(SdkTests.DIRECTORY.toFile());
        builder.environment().putAll(Map.of("HUB_URL", hubUrl, "HUB_ADMIN_TOKEN", ADMIN_TOKEN));
        assertThat(SdkTests.run(builder, "[python] ", 5))
                .as("socketio_conformance.py exit code (output above; needs Debian's python3-socketio, "
                        + "python3-websocket and python3-requests, which .ci/run installs)")
                .isZero();
    }

    private static int node(String... testFiles) throws IOException, InterruptedException {
        return SdkTests.node(Map.of("HUB_URL", hubUrl, "HUB_ADMIN_TOKEN", ADMIN_TOKEN), testFiles);
    }
}
