/** Flyway migrations of the {@code items} schema (SQL files under this package's resource folder). */
package dev.kurir.adapters.postgres.migration.items;
