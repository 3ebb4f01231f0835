/** PostgreSQL adapters of the application's outbound ports, written with Jdbi; all SQL is bound. */
package dev.kurir.adapters.postgres;
