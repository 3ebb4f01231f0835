package dev.kurir.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kurir.testing.TestBroker;
import dev.kurir.testing.TestDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.flywaydb.core.api.exception.FlywayValidateException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The management server starts while the schemas are migrated: liveness and metrics answer during a long migration
 * (an orchestrator must not kill a process that is migrating), readiness says why it is not ready yet, and a failed
 * migration still stops the start with Flyway's own error.
 */
class StartupIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    private TestDatabase database;
    private TestBroker broker;
    private Map<String, String> env;
    private int managementPort;
    private CompletableFuture<Kurir> starting;

    @BeforeEach
    void migrateOnce() {
        database = TestDatabase.create();
        broker = TestBroker.create();
        managementPort = freePort(); // known before the start returns: the tests probe it while kurir starts
        env = RunningKurir.environment(database, broker);
        env.put("KURIR_MANAGEMENT_PORT", Integer.toString(managementPort));
        Kurir.start(KurirConfig.from(env)).close(); // creates the schemas and their history tables
    }

    @AfterEach
    void cleanUp() {
        if (starting != null) { // a failed assertion must not leave a kurir running on a dropped database
            starting.thenAccept(Kurir::close).exceptionally(failure -> null).join();
        }
        broker.close();
        database.close();
    }

    @Test
    void managementAnswers_whileTheMigrationWaits_andReadinessFollowsTheStart() throws Exception {
        try (Connection lock = lockTheHistoryTables()) {
            starting = CompletableFuture.supplyAsync(() -> Kurir.start(KurirConfig.from(env)));
            HttpClientSupport management = HttpClientSupport.management(managementPort);
            Eventually.await("the management server answers during the migration", Duration.ofSeconds(30),
                    () -> portOpen(managementPort));
            assertEquals(200, management.get("/health/live").statusCode());
            HttpResponse<String> ready = management.get("/health/ready");
            assertEquals(503, ready.statusCode(), ready.body());
            JsonNode startup = check(json(ready), "startup");
            assertEquals("DOWN", startup.get("status").asText(), ready.body());
            assertFalse(startup.has("detail"), "why goes to the log, not the answer: " + ready.body());
            assertEquals(200, management.get("/metrics").statusCode());
            assertFalse(starting.isDone(), "the start waits for the migration");
            lock.rollback();
        }
        Kurir kurir = starting.get(60, TimeUnit.SECONDS);
        HttpClientSupport management = HttpClientSupport.management(kurir.managementPort());
        HttpResponse<String> ready = management.get("/health/ready");
        assertEquals(200, ready.statusCode(), ready.body());
        assertEquals("UP", check(json(ready), "startup").get("status").asText());
    }

    @Test
    void managementPortTaken_theStartFails_afterTheMigrationHasFinished() throws Exception {
        try (ServerSocket taken = new ServerSocket(managementPort, 50, InetAddress.getLoopbackAddress())) {
            try (Connection lock = lockTheHistoryTables()) {
                starting = CompletableFuture.supplyAsync(() -> Kurir.start(KurirConfig.from(env)));
                Thread.sleep(1_000);
                assertFalse(starting.isDone(), "the failed start waits for Flyway before it closes what it started");
                lock.rollback();
            }
            ExecutionException failure = assertThrows(ExecutionException.class,
                    () -> starting.get(60, TimeUnit.SECONDS));
            assertTrue(failure.getCause().getMessage().contains(Integer.toString(managementPort)),
                    failure.getCause().toString());
            assertEquals(0, failure.getCause().getSuppressed().length, "the migration itself succeeded");
            Eventually.await("the migration thread ends", Duration.ofSeconds(5), () -> Thread.getAllStackTraces()
                    .keySet().stream().noneMatch(thread -> thread.getName().equals("kurir-migrate")));
        }
    }

    /** Flyway reads the history table first: while the returned transaction holds this lock, the migration waits. */
    private Connection lockTheHistoryTables() throws SQLException {
        Connection lock = database.dataSource().getConnection();
        lock.setAutoCommit(false);
        try (Statement statement = lock.createStatement()) {
            statement.execute("LOCK TABLE items.flyway_schema_history, orders.flyway_schema_history "
                    + "IN ACCESS EXCLUSIVE MODE");
        }
        return lock;
    }

    @Test
    void failedMigration_stopsTheStart_withFlywaysError_andClosesTheManagementPort() throws SQLException {
        try (Connection connection = database.dataSource().getConnection();
             Statement statement = connection.createStatement()) {
            statement.execute("UPDATE orders.flyway_schema_history SET checksum = 42 WHERE version = '1'");
        }
        FlywayValidateException failure = assertThrows(FlywayValidateException.class,
                () -> Kurir.start(KurirConfig.from(env)));
        assertTrue(failure.getMessage().contains("checksum mismatch"), failure.getMessage());
        assertFalse(portOpen(managementPort), "the management server is stopped with the failed start");
    }

    private static JsonNode check(JsonNode report, String name) {
        for (JsonNode check : report.get("checks")) {
            if (name.equals(check.get("name").asText())) {
                return check;
            }
        }
        throw new AssertionError("no check " + name + " in " + report);
    }

    private static JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError(response.body(), e);
        }
    }

    private static boolean portOpen(int port) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
