package dev.kurir.archfixture.application.contracts;

import dev.kurir.archfixture.domain.orders.FixtureOrder;

/** Violates: the event contracts depend on nothing but java (it carries a domain type). */
public record FixtureContractEvent(FixtureOrder order) {
}
