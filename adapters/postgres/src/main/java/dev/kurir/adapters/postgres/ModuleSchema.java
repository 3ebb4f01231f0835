package dev.kurir.adapters.postgres;

import dev.kurir.application.module.ModuleDescriptor;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The schema a business module owns, and where its migrations are.
 *
 * @param schemaName        a lower-case SQL identifier; the adapters write it into their SQL, never user input
 * @param migrationLocation a Flyway location, e.g. {@code classpath:dev/kurir/adapters/postgres/migration/orders}
 */
public record ModuleSchema(String schemaName, String migrationLocation) {
    private static final Pattern SQL_IDENTIFIER = Pattern.compile("[a-z][a-z0-9_]{0,62}");
    private static final String MIGRATIONS = "classpath:dev/kurir/adapters/postgres/migration/";

    public ModuleSchema {
        Objects.requireNonNull(schemaName, "schemaName");
        Objects.requireNonNull(migrationLocation, "migrationLocation");
        if (!SQL_IDENTIFIER.matcher(schemaName).matches()) {
            throw new IllegalArgumentException("not a lower-case SQL identifier: '" + schemaName + "'");
        }
    }

    /**
     * The module's schema with its migrations in this adapter, under {@code migration/<schema>}: that package must be
     * opened in module-info, or Flyway finds nothing there.
     */
    public static ModuleSchema of(ModuleDescriptor module) {
        return new ModuleSchema(module.schema(), MIGRATIONS + module.schema());
    }
}
