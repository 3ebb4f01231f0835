package dev.kurir.archfixture.application.items;

import dev.kurir.archfixture.application.orders.FixtureOrdersService;

/** Violates: items never reaches into orders (and closes a package cycle with it). */
public class FixtureItemsService {
    FixtureOrdersService orders;
}
