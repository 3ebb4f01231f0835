package dev.kurir.adapters.postgres;

/** The schema each business module owns, and where its migrations are. */
public enum ModuleSchema {
    ORDERS("orders"),
    ITEMS("items");

    private final String schemaName;

    ModuleSchema(String schemaName) {
        this.schemaName = schemaName;
    }

    public String schemaName() {
        return schemaName;
    }

    /** A Flyway location, e.g. {@code classpath:dev/kurir/adapters/postgres/migration/orders}. */
    public String migrationLocation() {
        return "classpath:dev/kurir/adapters/postgres/migration/" + schemaName;
    }
}
