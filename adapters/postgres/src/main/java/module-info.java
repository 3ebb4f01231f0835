/**
 * PostgreSQL adapters. Each business module owns one schema ({@code orders}, {@code items}) with its own
 * migrations, so that a module can later move to its own database.
 */
module dev.kurir.adapters.postgres {
    requires dev.kurir.application;
    requires org.jdbi.v3.core;
    requires com.fasterxml.jackson.databind;
    requires java.sql;

    exports dev.kurir.adapters.postgres;
    // Flyway scans these for SQL migrations; it only sees them in a named module when opened unconditionally.
    opens dev.kurir.adapters.postgres.migration.orders;
    opens dev.kurir.adapters.postgres.migration.items;
}
