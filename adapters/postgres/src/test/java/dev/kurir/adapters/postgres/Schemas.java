package dev.kurir.adapters.postgres;

import dev.kurir.application.items.ItemsModule;
import dev.kurir.application.orders.OrdersModule;
import java.util.List;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/** Every module's schema, created and migrated as kurir does at start-up. */
final class Schemas {
    static final ModuleSchema ORDERS = ModuleSchema.of(OrdersModule.DESCRIPTOR);
    static final ModuleSchema ITEMS = ModuleSchema.of(ItemsModule.DESCRIPTOR);
    static final List<ModuleSchema> ALL = List.of(ORDERS, ITEMS);

    private Schemas() {
    }

    static void migrate(DataSource dataSource) {
        for (ModuleSchema schema : ALL) {
            Flyway.configure().dataSource(dataSource).schemas(schema.schemaName()).createSchemas(true)
                    .locations(schema.migrationLocation()).load().migrate();
        }
    }
}
