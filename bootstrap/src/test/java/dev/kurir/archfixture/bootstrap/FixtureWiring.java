package dev.kurir.archfixture.bootstrap;

import dev.kurir.archfixture.application.orders.FixtureOrdersService;

/** Closes a layer cycle with the application (which reaches back into bootstrap). */
public class FixtureWiring {
    FixtureOrdersService orders;
}
