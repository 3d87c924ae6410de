package io.aihub.store;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/** Applies {@code migrations/*.sql} (shipped as {@code db/migration}) with Flyway, forward only. */
public final class Migrations {
    private Migrations() {
    }

    public static void apply(DataSource dataSource) {
        Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                .cleanDisabled(true)
                .load()
                .migrate();
    }
}
