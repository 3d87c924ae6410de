package io.aihub.store.jdbc;

import java.net.URI;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where the hub's database lives: a {@code jdbc:postgresql://host:port/name?params} URL and the pool size.
 */
public record DatabaseConfig(String jdbcUrl, int poolSize) {
    private static final Pattern DATABASE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");

    public DatabaseConfig {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        if (!jdbcUrl.startsWith("jdbc:postgresql://")) {
            throw new IllegalArgumentException("must start with jdbc:postgresql://, got " + jdbcUrl);
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
    }

    /** The database named in the URL's path. */
    public String databaseName() {
        return databaseName(jdbcUrl);
    }

    /** The same server and parameters, but the {@code postgres} maintenance database. */
    public String maintenanceUrl() {
        URI uri = uri(jdbcUrl);
        String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
        return "jdbc:postgresql://" + uri.getRawAuthority() + "/postgres" + query;
    }

    private static String databaseName(String jdbcUrl) {
        String path = uri(jdbcUrl).getPath();
        return path == null || path.length() < 2 ? "" : path.substring(1);
    }

    private static URI uri(String jdbcUrl) {
        return URI.create(jdbcUrl.substring("jdbc:".length()));
    }
}
