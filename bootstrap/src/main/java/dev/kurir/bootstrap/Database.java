package dev.kurir.bootstrap;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.MetricsTrackerFactory;
import dev.kurir.adapters.postgres.ModuleSchema;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The connection pool, on the configured PostgreSQL or on the embedded one, and each module's migrations. */
final class Database implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Database.class);

    private static final String MIGRATION_CONNECTION_PARAMETERS =
            "socketTimeout=3600&tcpKeepAlive=true&ApplicationName=kurir-migrate";
    /** Flyway waits 1 s before its first retry, twice as long before each next one, at most this. */
    static final int MIGRATION_CONNECT_RETRY_MAX_SECONDS = 10;

    private final HikariDataSource pool;
    private final Optional<EmbeddedDatabase> embedded;
    private final int migrationConnectRetries;

    private Database(HikariDataSource pool, Optional<EmbeddedDatabase> embedded, int migrationConnectRetries) {
        this.pool = pool;
        this.embedded = embedded;
        this.migrationConnectRetries = migrationConnectRetries;
    }

    /** The fewest Flyway retries whose pauses (1, 2, 4, 8, 10, 10, ... s) add up to {@code wait}. */
    static int connectRetries(Duration wait) {
        int retries = 0;
        long waited = 0;
        long pause = 1;
        while (waited < wait.toSeconds()) {
            waited += pause;
            retries++;
            pause = Math.min(pause * 2, MIGRATION_CONNECT_RETRY_MAX_SECONDS);
        }
        return retries;
    }

    /** @param poolMetrics told about the pool when it starts, and about each connection acquired */
    static Database open(KurirConfig config, MetricsTrackerFactory poolMetrics) {
        Optional<EmbeddedDatabase> embedded = config.databaseUrl().isPresent()
                ? Optional.empty() : Optional.of(EmbeddedDatabase.start(config.dataDir()));
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName("kurir");
        hikari.setJdbcUrl(config.databaseUrl().orElseGet(() -> embedded.orElseThrow().jdbcUrl()));
        hikari.setUsername(embedded.isPresent() ? "postgres" : config.databaseUser());
        hikari.setPassword(embedded.isPresent() ? "" : config.databasePassword());
        hikari.setMaximumPoolSize(config.databasePoolSize());
        hikari.setMetricsTrackerFactory(poolMetrics);
        // While the database is away a request fails fast with 503 instead of hanging for the default 30 s.
        hikari.setConnectionTimeout(3_000);
        hikari.setValidationTimeout(2_000);
        // Start even when the database is not up yet: readiness says so, and requests get 503 until it is.
        hikari.setInitializationFailTimeout(-1);
        hikari.addDataSourceProperty("ApplicationName", "kurir");
        hikari.addDataSourceProperty("socketTimeout", "30");
        hikari.addDataSourceProperty("reWriteBatchedInserts", "true");
        try {
            return new Database(new HikariDataSource(hikari), embedded, connectRetries(config.databaseStartupWait()));
        } catch (RuntimeException e) {
            embedded.ifPresent(EmbeddedDatabase::close);
            throw e;
        }
    }

    DataSource dataSource() {
        return pool;
    }

    /** Brings the schema of each module this process runs up to date; each schema has its own history table. */
    void migrate(List<ModuleSchema> schemas) {
        for (ModuleSchema schema : schemas) {
            var result = migrations()
                    .schemas(schema.schemaName())
                    .createSchemas(true)
                    .locations(schema.migrationLocation())
                    .failOnMissingLocations(true)
                    .load()
                    .migrate();
            log.info("schema {} is at version {} ({} migrations applied now)", schema.schemaName(),
                    result.targetSchemaVersion == null ? "current" : result.targetSchemaVersion,
                    result.migrationsExecuted);
        }
    }

    /**
     * Flyway's configuration, as {@link #migrate} uses it: its own connections to the pool's database and account.
     * The pool's 30 s socket timeout fails a request on a lost server rather than let it hang, but would also fail a
     * migration statement that rightly runs for minutes (an index on a large table, a lock an old transaction
     * holds); a migration gets an hour. A server that is not up yet gets {@code KURIR_DB_STARTUP_WAIT} (2 minutes by
     * default): kurir migrates before it serves anything, and a database started beside it (compose, a cluster) may
     * take that long to accept connections, the first start of an empty volume in particular; past that, kurir exits
     * and its supervisor starts it again.
     */
    FluentConfiguration migrations() {
        String url = pool.getJdbcUrl();
        // Appended, so they win over the same parameters in the configured URL.
        String migrationUrl = url + (url.contains("?") ? "&" : "?") + MIGRATION_CONNECTION_PARAMETERS;
        return Flyway.configure()
                .dataSource(migrationUrl, pool.getUsername(), pool.getPassword())
                .connectRetries(migrationConnectRetries)
                .connectRetriesInterval(MIGRATION_CONNECT_RETRY_MAX_SECONDS);
    }

    @Override
    public void close() {
        pool.close();
        embedded.ifPresent(EmbeddedDatabase::close);
    }
}
