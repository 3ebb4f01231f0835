package dev.kurir.bootstrap;

import dev.kurir.application.items.ItemsModule;
import dev.kurir.application.module.ModuleDescriptor;
import dev.kurir.application.orders.OrdersModule;
import java.util.List;

/**
 * The business modules kurir is made of, each declared once by its descriptor. A new module is added here (and
 * wired in {@link Kurir}); the topology, the schemas, the metrics' labels and the names {@code KURIR_MODULES}
 * accepts follow from the list.
 */
final class KurirModules {
    static final List<ModuleDescriptor> ALL = List.of(OrdersModule.DESCRIPTOR, ItemsModule.DESCRIPTOR);

    private KurirModules() {
    }

    /** @throws IllegalArgumentException if no module has that name */
    static ModuleDescriptor named(String name) {
        return ALL.stream().filter(module -> module.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown module '" + name + "'"));
    }
}
