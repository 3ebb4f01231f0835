package dev.kurir.adapters.postgres;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/** Every module's schema, created and migrated as kurir does at start-up. */
final class Schemas {
    private Schemas() {
    }

    static void migrate(DataSource dataSource) {
        for (ModuleSchema schema : ModuleSchema.values()) {
            Flyway.configure().dataSource(dataSource).schemas(schema.schemaName()).createSchemas(true)
                    .locations(schema.migrationLocation()).load().migrate();
        }
    }
}
