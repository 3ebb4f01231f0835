package dev.kurir.archfixture.adapters.http;

import dev.kurir.archfixture.adapters.postgres.FixturePostgresAdapter;

/** Violates: adapters do not depend on each other. */
public class FixtureHttpAdapter {
    FixturePostgresAdapter other = new FixturePostgresAdapter();
}
