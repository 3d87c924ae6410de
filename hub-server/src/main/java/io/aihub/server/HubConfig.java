package io.aihub.server;

import io.aihub.store.jdbc.DatabaseConfig;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The hub's configuration, read from environment variables, with every default in this one place.
 * An invalid value stops the hub with a message that names the variable.
 *
 * @param adminToken bearer token of the admin API; empty: generated at start and logged once
 * @param signingKey secret that signs API keys and access tokens; empty: generated once and kept in the database
 * @param extraPorts more ports serving the same API, e.g. 3100 and 3200 for the Python SDK's fixed
 *                   {@code local} environment
 */
public record HubConfig(
        int port,
        DatabaseConfig database,
        String publicUrl,
        Optional<String> adminToken,
        Optional<String> signingKey,
        int maxBodyBytes,
        List<Integer> extraPorts) {

    public static final int DEFAULT_PORT = 3001;
    public static final String DEFAULT_DATABASE_URL = "jdbc:postgresql://127.0.0.1:5432/hub?user=postgres";
    public static final int DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
    public static final int DEFAULT_DB_POOL_SIZE = 16;
    /** HS256 wants at least 256 bits of key. */
    public static final int MIN_SIGNING_KEY_LENGTH = 32;

    public HubConfig {
        if (port < 0 || port > 65535) {
            throw new InvalidConfig("HUB_PORT", "must be a port number 0-65535, got " + port);
        }
        try {
            URI uri = URI.create(publicUrl);
            if (uri.getScheme() == null || !uri.getScheme().matches("https?") || uri.getHost() == null) {
                throw new IllegalArgumentException("not an absolute http(s) URL");
            }
        } catch (IllegalArgumentException e) {
            throw new InvalidConfig(
                    "HUB_PUBLIC_URL",
                    "must be an absolute http(s) URL such as http://localhost:3001, got '" + publicUrl + "'");
        }
        adminToken.filter(token -> token.length() < 16).ifPresent(token -> {
            throw new InvalidConfig("HUB_ADMIN_TOKEN", "must be at least 16 characters");
        });
        signingKey.filter(key -> key.length() < MIN_SIGNING_KEY_LENGTH).ifPresent(key -> {
            throw new InvalidConfig("HUB_SIGNING_KEY", "must be at least " + MIN_SIGNING_KEY_LENGTH + " characters");
        });
        if (maxBodyBytes < 1024) {
            throw new InvalidConfig("HUB_MAX_BODY_BYTES", "must be at least 1024, got " + maxBodyBytes);
        }
        extraPorts = List.copyOf(extraPorts);
        for (int extra : extraPorts) {
            if (extra < 1 || extra > 65535 || extra == port) {
                throw new InvalidConfig(
                        "HUB_EXTRA_PORTS", "must list port numbers 1-65535 other than HUB_PORT, got " + extra);
            }
        }
    }

    public static HubConfig fromEnvironment(Map<String, String> env) {
        int port = integer(env, "HUB_PORT", DEFAULT_PORT);
        int poolSize = integer(env, "HUB_DB_POOL_SIZE", DEFAULT_DB_POOL_SIZE);
        if (poolSize < 1 || poolSize > 200) {
            throw new InvalidConfig("HUB_DB_POOL_SIZE", "must be between 1 and 200, got " + poolSize);
        }
        DatabaseConfig database;
        try {
            database = new DatabaseConfig(env.getOrDefault("HUB_DATABASE_URL", DEFAULT_DATABASE_URL), poolSize);
        } catch (IllegalArgumentException e) {
            throw new InvalidConfig("HUB_DATABASE_URL", e.getMessage());
        }
        return new HubConfig(
                port,
                database,
                env.getOrDefault("HUB_PUBLIC_URL", "http://localhost:" + (port == 0 ? DEFAULT_PORT : port)),
                Optional.ofNullable(env.get("HUB_ADMIN_TOKEN")),
                Optional.ofNullable(env.get("HUB_SIGNING_KEY")),
                integer(env, "HUB_MAX_BODY_BYTES", DEFAULT_MAX_BODY_BYTES),
                ports(env, "HUB_EXTRA_PORTS"));
    }

    private static List<Integer> ports(Map<String, String> env, String variable) {
        String value = env.getOrDefault(variable, "");
        List<Integer> ports = new ArrayList<>();
        for (String part : value.split(",")) {
            if (!part.isBlank()) {
                try {
                    ports.add(Integer.parseInt(part.strip()));
                } catch (NumberFormatException e) {
                    throw new InvalidConfig(
                            variable, "must be a comma-separated list of ports such as 3100,3200, got '" + value + "'");
                }
            }
        }
        return ports;
    }

    private static int integer(Map<String, String> env, String variable, int fallback) {
        String value = env.get(variable);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new InvalidConfig(variable, "must be an integer, got '" + value + "'");
        }
    }

    /** A configuration value the hub cannot start with. */
    public static final class InvalidConfig extends IllegalArgumentException {
        private final String variable;

        public InvalidConfig(String variable, String problem) {
            super(variable + " " + problem);
            this.variable = variable;
        }

        public String variable() {
            return variable;
        }
    }
}
