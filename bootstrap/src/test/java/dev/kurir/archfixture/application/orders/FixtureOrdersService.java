package dev.kurir.archfixture.application.orders;

import dev.kurir.archfixture.application.items.FixtureItemsService;
import dev.kurir.archfixture.bootstrap.FixtureWiring;

/** Violates: orders never reaches into items; the application never reaches into bootstrap. */
public class FixtureOrdersService {
    FixtureItemsService items;
    FixtureWiring wiring;
}
