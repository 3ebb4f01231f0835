package dev.kurir.archfixture.adapters.postgres;

/** A deliberate violation target; see ArchitectureTest. */
public class FixturePostgresAdapter {
}
