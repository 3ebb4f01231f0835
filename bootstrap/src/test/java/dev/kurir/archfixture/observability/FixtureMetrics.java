package dev.kurir.archfixture.observability;

import dev.kurir.archfixture.application.orders.usecase.FixturePublicService;

/** Violates: observability depends on application ports only (this reaches into a use-case package). */
public class FixtureMetrics {
    FixturePublicService service = new FixturePublicService();
}
