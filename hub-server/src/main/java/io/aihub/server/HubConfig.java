package io.aihub.server;

import io.aihub.server.auth.RateLimit;
import io.aihub.server.http.HttpLimits;
import io.aihub.server.realtime.SocketLimits;
import io.aihub.store.agent.Agent;
import io.aihub.store.jdbc.DatabaseConfig;
import io.aihub.store.task.StepLeases;
import io.aihub.store.task.TaskLimits;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The hub's configuration, read from environment variables, with every default in this one place.
 * An invalid value stops the hub with a message that names the variable.
 *
 * @param adminToken    bearer token of the admin API; empty: generated at start and logged once
 * @param signingKey    secret that signs API keys and access tokens; empty: generated once and kept in the database
 * @param extraPorts    more ports serving the same API, e.g. 3100 and 3200 for the Python SDK's fixed
 *                      {@code local} environment
 * @param http          bounds on connections and requests
 * @param sockets       bounds on Socket.IO connections
 * @param tasks         what one task may hold, and how much of it a joining socket is sent
 * @param rateLimit     requests and socket events per API key (off by default)
 * @param deliveryStall how long event delivery may make no progress before {@code /health} says 503
 * @param leases        how long steps' leases last and how often a step is handed out, unless its agent says
 * @param keepTasks     how long a task is kept once it has ended ({@code HUB_RETENTION_DAYS}); empty: for ever
 * @param shutdown      how long a drain on SIGTERM may take before the process exits ({@code HUB_SHUTDOWN_SECONDS})
 * @param metricsPort   where Prometheus scrapes {@code /metrics} ({@code HUB_METRICS_PORT}; 0: any free port); empty: off
 */
public record HubConfig(
        int port,
        DatabaseConfig database,
        String publicUrl,
        Optional<String> adminToken,
        Optional<String> signingKey,
        List<Integer> extraPorts,
        HttpLimits http,
        SocketLimits sockets,
        TaskLimits tasks,
        RateLimit rateLimit,
        Duration deliveryStall,
        StepLeases leases,
        Optional<Duration> keepTasks,
        Duration shutdown,
        Optional<Integer> metricsPort) {

    public static final int DEFAULT_PORT = 3001;
    public static final int DEFAULT_METRICS_PORT = 9464;
    public static final Duration DEFAULT_SHUTDOWN = Duration.ofSeconds(10);
    public static final String DEFAULT_DATABASE_URL = "jdbc:postgresql://127.0.0.1:5432/hub?user=postgres";
    public static final int DEFAULT_DB_POOL_SIZE = 16;
    public static final Duration DEFAULT_DELIVERY_STALL = Duration.ofSeconds(30);
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
        extraPorts = List.copyOf(extraPorts);
        for (int extra : extraPorts) {
            if (extra < 1 || extra > 65535 || extra == port) {
                throw new InvalidConfig(
                        "HUB_EXTRA_PORTS", "must list port numbers 1-65535 other than HUB_PORT, got " + extra);
            }
        }
    }

    /** A hub with every limit at its default. */
    public static HubConfig of(int port, DatabaseConfig database, String publicUrl, Optional<String> adminToken) {
        return new HubConfig(
                port,
                database,
                publicUrl,
                adminToken,
                Optional.empty(),
                List.of(),
                HttpLimits.defaults(),
                SocketLimits.DEFAULTS,
                TaskLimits.DEFAULTS,
                RateLimit.OFF,
                DEFAULT_DELIVERY_STALL,
                StepLeases.DEFAULTS,
                Optional.empty(),
                DEFAULT_SHUTDOWN,
                Optional.of(0));
    }

    public HubConfig withExtraPorts(List<Integer> ports) {
        return new HubConfig(
                port,
                database,
                publicUrl,
                adminToken,
                signingKey,
                ports,
                http,
                sockets,
                tasks,
                rateLimit,
                deliveryStall,
                leases,
                keepTasks,
                shutdown,
                metricsPort);
    }

    public HubConfig withHttp(HttpLimits limits) {
        return new HubConfig(
                port,
                database,
                publicUrl,
                adminToken,
                signingKey,
                extraPorts,
                limits,
                sockets,
                tasks,
                rateLimit,
                deliveryStall,
                leases,
                keepTasks,
                shutdown,
                metricsPort);
    }

    public HubConfig withDeliveryStall(Duration stall) {
        return new HubConfig(
                port,
                database,
                publicUrl,
                adminToken,
                signingKey,
                extraPorts,
                http,
                sockets,
                tasks,
                rateLimit,
                stall,
                leases,
                keepTasks,
                shutdown,
                metricsPort);
    }

    public static HubConfig fromEnvironment(Map<String, String> env) {
        int port = integer(env, "HUB_PORT", DEFAULT_PORT);
        int poolSize = integer(env, "HUB_DB_POOL_SIZE", DEFAULT_DB_POOL_SIZE);
        if (poolSize < 1 || poolSize > 200) {
            throw new InvalidConfig("HUB_DB_POOL_SIZE", "must be between 1 and 200, got " + poolSize);
        }
        Duration databaseWait = Duration.ofSeconds(
                atMost(env, "HUB_DB_WAIT_SECONDS", (int) DatabaseConfig.DEFAULT_STARTUP_WAIT.toSeconds(), 0, 3600));
        DatabaseConfig database;
        try {
            database = new DatabaseConfig(
                    env.getOrDefault("HUB_DATABASE_URL", DEFAULT_DATABASE_URL), poolSize, databaseWait);
        } catch (IllegalArgumentException e) {
            throw new InvalidConfig("HUB_DATABASE_URL", e.getMessage());
        }
        String logFormat = env.getOrDefault("HUB_LOG_FORMAT", "text");
        if (!logFormat.equals("text") && !logFormat.equals("json")) { // logback.xml picks its appender by it
            throw new InvalidConfig("HUB_LOG_FORMAT", "must be text or json, got '" + logFormat + "'");
        }
        HttpLimits http = httpLimits(env);
        return new HubConfig(
                port,
                database,
                env.getOrDefault("HUB_PUBLIC_URL", "http://localhost:" + (port == 0 ? DEFAULT_PORT : port)),
                Optional.ofNullable(env.get("HUB_ADMIN_TOKEN")),
                Optional.ofNullable(env.get("HUB_SIGNING_KEY")),
                ports(env, "HUB_EXTRA_PORTS"),
                http,
                socketLimits(env, http),
                taskLimits(env),
                rateLimit(env),
                Duration.ofSeconds(
                        atLeast(env, "HUB_DELIVERY_STALL_SECONDS", (int) DEFAULT_DELIVERY_STALL.toSeconds(), 1)),
                new StepLeases(
                        Duration.ofSeconds(atMost(
                                env,
                                "HUB_STEP_LEASE_SECONDS",
                                (int) StepLeases.DEFAULTS.lease().toSeconds(),
                                1,
                                Agent.MAX_LEASE_SECONDS)),
                        atMost(env, "HUB_STEP_MAX_ATTEMPTS", StepLeases.DEFAULTS.maxAttempts(), 1, Agent.MAX_ATTEMPTS)),
                retention(env),
                Duration.ofSeconds(atMost(env, "HUB_SHUTDOWN_SECONDS", (int) DEFAULT_SHUTDOWN.toSeconds(), 1, 3600)),
                metricsPort(env));
    }

    private static HttpLimits httpLimits(Map<String, String> env) {
        int maxBody = atLeast(env, "HUB_MAX_BODY_BYTES", HttpLimits.DEFAULT_MAX_BODY_BYTES, 1024);
        long buffered =
                atLeast(env, "HUB_MAX_BUFFERED_BODY_BYTES", (int) HttpLimits.DEFAULT_MAX_BUFFERED_BODY_BYTES, 1024);
        if (buffered < maxBody) {
            throw new InvalidConfig(
                    "HUB_MAX_BUFFERED_BODY_BYTES",
                    "must be at least HUB_MAX_BODY_BYTES (" + maxBody + "), got " + buffered);
        }
        return new HttpLimits(
                maxBody,
                buffered,
                atLeast(env, "HUB_MAX_CONNECTIONS", HttpLimits.defaultMaxConnections(), 1),
                Duration.ofSeconds(
                        atLeast(env, "HUB_IDLE_TIMEOUT_SECONDS", (int) HttpLimits.DEFAULT_IDLE_TIMEOUT.toSeconds(), 1)),
                Duration.ofSeconds(atLeast(
                        env, "HUB_BODY_TIMEOUT_SECONDS", (int) HttpLimits.DEFAULT_BODY_TIMEOUT.toSeconds(), 1)));
    }

    private static SocketLimits socketLimits(Map<String, String> env, HttpLimits http) {
        SocketLimits defaults = SocketLimits.DEFAULTS;
        return new SocketLimits(
                atLeast(env, "HUB_SOCKET_BUFFER_BYTES", defaults.outboundBufferBytes(), 64 * 1024),
                atLeast(env, "HUB_SOCKET_QUEUE", defaults.inboundQueue(), 1),
                atLeast(env, "HUB_SOCKETS_PER_ACCOUNT", SocketLimits.perAccountWithin(http.maxConnections()), 1),
                atLeast(env, "HUB_ROOMS_PER_SOCKET", defaults.roomsPerSocket(), 1));
    }

    private static TaskLimits taskLimits(Map<String, String> env) {
        TaskLimits defaults = TaskLimits.DEFAULTS;
        return new TaskLimits(
                atLeast(env, "HUB_MAX_STEPS_PER_TASK", defaults.maxStepsPerTask(), 1),
                atLeast(env, "HUB_MAX_LOGS_PER_TASK", defaults.maxLogsPerTask(), 1),
                atLeast(env, "HUB_MAX_LOG_BYTES_PER_TASK", (int) defaults.maxLogBytesPerTask(), 1),
                atLeast(env, "HUB_MAX_LOG_BYTES", defaults.maxLogBytes(), 1),
                atLeast(env, "HUB_REPLAY_LOGS", defaults.replayLogs(), 1),
                atLeast(env, "HUB_REPLAY_LOG_BYTES", defaults.replayLogBytes(), 1));
    }

    private static RateLimit rateLimit(Map<String, String> env) {
        int perSecond = atLeast(env, "HUB_RATE_LIMIT", 0, 0);
        int burst = atLeast(env, "HUB_RATE_BURST", Math.max(1, 2 * perSecond), 1);
        return new RateLimit(perSecond, perSecond == 0 ? 0 : burst);
    }

    private static Optional<Integer> metricsPort(Map<String, String> env) {
        String value = env.get("HUB_METRICS_PORT");
        if (value != null && value.strip().equalsIgnoreCase("off")) {
            return Optional.empty();
        }
        return Optional.of(atMost(env, "HUB_METRICS_PORT", DEFAULT_METRICS_PORT, 0, 65535));
    }

    private static Optional<Duration> retention(Map<String, String> env) {
        String days = env.get("HUB_RETENTION_DAYS");
        if (days == null || days.isBlank()) {
            return Optional.empty();
        }
        return Optional.of(Duration.ofDays(atMost(env, "HUB_RETENTION_DAYS", 0, 1, 36500)));
    }

    private static int atMost(Map<String, String> env, String variable, int fallback, int minimum, int maximum) {
        int value = atLeast(env, variable, fallback, minimum);
        if (value > maximum) {
            throw new InvalidConfig(variable, "must be at most " + maximum + ", got " + value);
        }
        return value;
    }

    private static int atLeast(Map<String, String> env, String variable, int fallback, int minimum) {
        int value = integer(env, variable, fallback);
        if (value < minimum) {
            throw new InvalidConfig(variable, "must be at least " + minimum + ", got " + value);
        }
        return value;
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
