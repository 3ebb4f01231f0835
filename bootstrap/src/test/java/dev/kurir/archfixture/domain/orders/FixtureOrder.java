package dev.kurir.archfixture.domain.orders;

import dev.kurir.archfixture.adapters.postgres.FixturePostgresAdapter;

/** Violates: the domain depends on nothing but java. */
public class FixtureOrder {
    FixturePostgresAdapter storage;
}
