package dev.kurir.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kurir.observability.metrics.ConnectionPoolMetrics;
import dev.kurir.testing.TestDatabase;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The request pool and the migrations reach the same database with different socket timeouts. */
class DatabaseIT {

    @Test
    void requestsTimeOutAfter30Seconds_migrationStatementsAfterAnHour() throws SQLException {
        try (TestDatabase testDatabase = TestDatabase.create();
             Database database = Database.open(KurirConfig.from(Map.of("KURIR_DB_URL", testDatabase.jdbcUrl(),
                     "KURIR_DB_USER", testDatabase.user(), "KURIR_DB_PASSWORD", testDatabase.password())),
                     new ConnectionPoolMetrics(new PrometheusRegistry()))) {
            String poolDatabase;
            try (Connection pooled = database.dataSource().getConnection()) {
                assertEquals(30_000, pooled.getNetworkTimeout());
                poolDatabase = currentDatabase(pooled);
            }
            try (Connection migrating = database.migrations().getDataSource().getConnection()) {
                assertEquals(3_600_000, migrating.getNetworkTimeout());
                assertEquals("kurir-migrate", migrating.getClientInfo("ApplicationName"));
                assertEquals(poolDatabase, currentDatabase(migrating));
            }
        }
    }

    private static String currentDatabase(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT current_database()")) {
            result.next();
            return result.getString(1);
        }
    }
}
