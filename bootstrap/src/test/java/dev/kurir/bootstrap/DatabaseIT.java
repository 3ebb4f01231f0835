package dev.kurir.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kurir.observability.metrics.ConnectionPoolMetrics;
import dev.kurir.testing.TestDatabase;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
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

    /**
     * compose starts kurir once PostgreSQL's health check passes, yet a server can still refuse connections for a while
     * (the first start of an empty volume): the migrations wait for it. Here the server's port opens only after 5 s,
     * later than the 1 + 2 s that two retries gave (this test failed with them), earlier than the two minutes now.
     */
    @Test
    void migrationsWaitForADatabaseThatAcceptsConnectionsLate() throws Exception {
        try (TestDatabase testDatabase = TestDatabase.create()) {
            URI real = URI.create(testDatabase.jdbcUrl().substring("jdbc:".length()));
            int port;
            try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                port = probe.getLocalPort();  // free now; nothing listens there until the late "server" opens it
            }
            String lateUrl = "jdbc:postgresql://127.0.0.1:" + port + real.getRawPath()
                    + (real.getRawQuery() == null ? "" : "?" + real.getRawQuery());
            try (Database database = Database.open(KurirConfig.from(Map.of("KURIR_DB_URL", lateUrl,
                    "KURIR_DB_USER", testDatabase.user(), "KURIR_DB_PASSWORD", testDatabase.password())),
                    new ConnectionPoolMetrics(new PrometheusRegistry()))) {
                // Flyway tries at once, then after 1, 2, 4 ... s: at 0, 1, 3 s with two retries, at 7 s with more.
                Thread late = Thread.ofVirtual().start(() -> forwardLater(Duration.ofSeconds(5), port, real));
                long started = System.nanoTime();
                try {
                    database.migrations().load().info();  // connects, with the retries
                } finally {
                    late.interrupt();
                }
                Duration waited = Duration.ofNanos(System.nanoTime() - started);
                assertTrue(waited.compareTo(Duration.ofSeconds(5)) >= 0, "connected before the port opened: " + waited);
            }
        }
    }

    /** After {@code delay}, listens on {@code port} and forwards each connection to the real server. */
    private static void forwardLater(Duration delay, int port, URI real) {
        try {
            Thread.sleep(delay);
            try (ServerSocket server = new ServerSocket()) {
                server.bind(new InetSocketAddress("127.0.0.1", port));
                while (!Thread.currentThread().isInterrupted()) {
                    Socket client = server.accept();
                    Socket upstream = new Socket(real.getHost(), real.getPort());
                    Thread.ofVirtual().start(() -> pump(client, upstream));
                    Thread.ofVirtual().start(() -> pump(upstream, client));
                }
            }
        } catch (InterruptedException | IOException e) {
            // the test is over
        }
    }

    private static void pump(Socket from, Socket to) {
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            in.transferTo(out);
        } catch (IOException e) {
            // one side closed
        } finally {
            try {
                from.close();
                to.close();
            } catch (IOException e) {
                // closing anyway
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
