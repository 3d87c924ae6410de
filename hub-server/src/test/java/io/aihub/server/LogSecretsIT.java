package io.aihub.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Run by Maven once every other test has (the {@code log-secrets} execution, post-integration-test):
 * no line that any hub logged during the build, in-process or as a jar, holds a secret that a test
 * handed it or got from it (admin tokens, database passwords, signing keys, API keys, access tokens),
 * nor anything shaped like the hub's tokens (a JWT), but for the one line that announces an admin token
 * generated at start.
 */
class LogSecretsIT {
    /** The announcement of an admin token generated at start: shown once, as it must be. */
    private static final String GENERATED_ADMIN_TOKEN = "HUB_ADMIN_TOKEN was not set; admin token for this run: ";

    private static final Pattern JWT = Pattern.compile("eyJ[A-Za-z0-9_-]{8,}\\.eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]+");

    @Test
    void noLogLineOfTheWholeBuild_holdsASecret() throws IOException {
        List<String> secrets = Files.readAllLines(TestSecrets.SECRETS, StandardCharsets.UTF_8).stream()
                .distinct()
                .toList();
        List<Path> logs;
        try (Stream<Path> files = Files.list(TestSecrets.DIRECTORY)) {
            logs = files.filter(file -> file.toString().endsWith(".log"))
                    .sorted()
                    .toList();
        }
        assertThat(secrets).as("secrets the tests handed out").hasSizeGreaterThan(20);
        assertThat(logs).as("the in-process log and the jars' logs").hasSizeGreaterThan(2);

        List<String> leaks = new ArrayList<>();
        long lines = 0;
        for (Path log : logs) {
            List<String> logged = Files.readAllLines(log, StandardCharsets.UTF_8);
            lines += logged.size();
            for (int i = 0; i < logged.size(); i++) {
                String line = logged.get(i);
                if (line.contains(GENERATED_ADMIN_TOKEN)) {
                    continue; // the one line that must show it (JsonLogIT checks it is the only one)
                }
                for (String secret : secrets) {
                    if (line.contains(secret)) {
                        leaks.add(log.getFileName() + ":" + (i + 1) + " holds a secret: " + line);
                    }
                }
                if (JWT.matcher(line).find()) {
                    leaks.add(log.getFileName() + ":" + (i + 1) + " holds a token: " + line);
                }
            }
        }
        assertThat(lines).as("log lines scanned").isGreaterThan(1000);
        assertThat(leaks).isEmpty();
    }
}
