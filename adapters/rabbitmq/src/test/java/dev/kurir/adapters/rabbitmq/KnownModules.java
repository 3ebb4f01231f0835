package dev.kurir.adapters.rabbitmq;

import dev.kurir.application.items.ItemsModule;
import dev.kurir.application.module.ModuleDescriptor;
import dev.kurir.application.orders.OrdersModule;
import java.util.List;

/** The modules kurir knows, for the topologies the tests declare. */
final class KnownModules {
    static final List<ModuleDescriptor> ALL = List.of(OrdersModule.DESCRIPTOR, ItemsModule.DESCRIPTOR);

    private KnownModules() {
    }
}
