package io.aihub.store.jdbc;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where the hub's database lives: a {@code jdbc:postgresql://host:port/name?params} URL, the pool size,
 * and how long start-up waits for the database to answer.
 */
public record DatabaseConfig(String jdbcUrl, int poolSize, Duration startupWait) {
    public static final Duration DEFAULT_STARTUP_WAIT = Duration.ofSeconds(60);

    private static final Pattern DATABASE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");
    /** A password in the query ({@code password=...}) or in the authority ({@code user:password@}). */
    private static final Pattern PASSWORD_PARAMETER = Pattern.compile("(?i)([?&]password=)[^&]*");

    private static final Pattern PASSWORD_IN_AUTHORITY = Pattern.compile("(//[^/?#@:]*:)[^/?#@]*@");

    public DatabaseConfig {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        Objects.requireNonNull(startupWait, "startupWait");
        if (!jdbcUrl.startsWith("jdbc:postgresql://")) {
            throw new IllegalArgumentException("must start with jdbc:postgresql://, got " + redact(jdbcUrl));
        }
        String name = databaseName(jdbcUrl);
        if (!DATABASE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    "names database '" + name
                            + "': use letters, digits and underscores (e.g. jdbc:postgresql://127.0.0.1:5432/hub?user=postgres)");
        }
        if (poolSize < 1 || poolSize > 200) {
            throw new IllegalArgumentException("pool size must be between 1 and 200, got " + poolSize);
        }
        if (startupWait.isNegative()) {
            throw new IllegalArgumentException("the start-up wait cannot be negative, got " + startupWait);
        }
    }

    /** A database that start-up waits for as long as {@link #DEFAULT_STARTUP_WAIT}. */
    public DatabaseConfig(String jdbcUrl, int poolSize) {
        this(jdbcUrl, poolSize, DEFAULT_STARTUP_WAIT);
    }

    /** The database named in the URL's path. */
    public String databaseName() {
        return databaseName(jdbcUrl);
    }

    /** {@code host:port} of the server, for messages: never the user or the password. */
    public String serverAddress() {
        URI uri = uri(jdbcUrl);
        if (uri.getHost() == null) { // several hosts, host1:5432,host2:5432
            String authority = uri.getRawAuthority();
            return authority.substring(authority.indexOf('@') + 1);
        }
        return uri.getHost() + ":" + (uri.getPort() < 0 ? 5432 : uri.getPort());
    }

    /** The URL with any password replaced by {@code ***}: what a message or a log line may show. */
    public String redactedUrl() {
        return redact(jdbcUrl);
    }

    /** The same server and parameters, but the {@code postgres} maintenance database. */
    String maintenanceUrl() {
        URI uri = uri(jdbcUrl);
        String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
        return "jdbc:postgresql://" + uri.getRawAuthority() + "/postgres" + query;
    }

    static String redact(String url) {
        String withoutQueryPassword = PASSWORD_PARAMETER.matcher(url).replaceAll("$1***");
        return PASSWORD_IN_AUTHORITY.matcher(withoutQueryPassword).replaceAll("$1***@");
    }

    private static String databaseName(String jdbcUrl) {
        String path = uri(jdbcUrl).getPath();
        return path == null || path.length() < 2 ? "" : path.substring(1);
    }

    private static URI uri(String jdbcUrl) {
        try {
            return URI.create(jdbcUrl.substring("jdbc:".length()));
        } catch (IllegalArgumentException e) { // its message would quote the URL, password and all
            throw new IllegalArgumentException("is not a valid URL: " + redact(jdbcUrl));
        }
    }
}
