package dev.kurir.archfixture.adapters.rabbitmq;

import dev.kurir.archfixture.observability.FixtureMetrics;

/** Violates: adapters do not depend on observability. */
public class FixtureTracingAdapter {
    FixtureMetrics tracing = new FixtureMetrics();
}
