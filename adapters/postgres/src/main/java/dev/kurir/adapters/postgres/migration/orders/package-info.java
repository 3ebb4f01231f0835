/** Flyway migrations of the {@code orders} schema (SQL files under this package's resource folder). */
package dev.kurir.adapters.postgres.migration.orders;
