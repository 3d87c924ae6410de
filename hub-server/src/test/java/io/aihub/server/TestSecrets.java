package io.aihub.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The secrets the tests hand to hubs or get from them (admin tokens, database passwords, signing keys,
 * API keys, access tokens), written down as they appear, and the hub processes' logs, so that
 * {@code LogSecretsIT} can check, once every test has run, that no log line holds one.
 */
final class TestSecrets {
    static final Path DIRECTORY = Path.of("target", "test-logs");
    static final Path SECRETS = DIRECTORY.resolve("secrets.txt");

    private TestSecrets() {}

    static synchronized void remember(String secret) {
        if (secret == null || secret.isBlank()) {
            return;
        }
        append(SECRETS, secret + "\n");
    }

    /** A line a hub process logged. */
    static synchronized void logged(String process, String line) {
        append(DIRECTORY.resolve("process-" + process.replaceAll("[^A-Za-z0-9.-]", "_") + ".log"), line + "\n");
    }

    private static void append(Path file, String text) {
        try {
            Files.createDirectories(DIRECTORY);
            Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
