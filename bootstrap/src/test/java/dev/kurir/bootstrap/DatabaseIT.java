package dev.kurir.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kurir.observability.metrics.ConnectionPoolMetrics;
import dev.kurir.testing.TestDatabase;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The request pool and the migrations reach the same database with different socket timeouts. */
class DatabaseIT {

    @Test
    void requestsTimeOutOnALostServer_butMigrationStatementsMayRunForMinutes() throws SQLException {
        try (TestDatabase testDatabase = TestDatabase.create();
             Database database = Database.open(KurirConfig.from(Map.of("KURIR_DB_URL", testDatabase.jdbcUrl(),
                     "KURIR_DB_USER", testDatabase.user(), "KURIR_DB_PASSWORD", testDatabase.password())),
                     new ConnectionPoolMetrics(new PrometheusRegistry()))) {
            try (Connection pooled = database.dataSource().getConnection()) {
                assertEquals(30_000, pooled.getNetworkTimeout());
            }
            try (Connection migrating = database.migrations().getDataSource().getConnection()) {
                assertEquals(0, migrating.getNetworkTimeout(), "no socket timeout");
                assertEquals(testDatabase.jdbcUrl(), migrating.getMetaData().getURL());
            }
        }
    }
}
