package dev.kurir.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.Connection;
import dev.kurir.adapters.rabbitmq.QueueType;
import dev.kurir.adapters.rabbitmq.RabbitConnections;
import dev.kurir.adapters.rabbitmq.RabbitTopology;
import dev.kurir.testing.Prerequisite;
import dev.kurir.testing.TestBroker;
import dev.kurir.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipped jar, started as a process the way the README does. */
class JarSmokeIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void jar_onExternalPostgresAndRabbitMq_confirmsAnOrder_throughTheOutbox() throws Exception {
        try (TestDatabase database = TestDatabase.create();
             TestBroker broker = TestBroker.create();
             KurirProcess kurir = KurirProcess.start(KurirProcess.externalParts(database, broker))) {
            kurir.awaitReady(Duration.ofSeconds(60));
            HttpClientSupport api = new HttpClientSupport(kurir.apiPort);
            assertEquals(201, api.postJson("/api/items",
                    "{\"sku\":\"ITEM-99\",\"name\":\"Widget\",\"price\":\"77.45\",\"stock\":10}").statusCode());
            // The document, Swagger UI and a problem page come out of the shaded jar too.
            var document = api.get("/openapi.yaml");
            assertEquals(200, document.statusCode());
            assertTrue(document.body().startsWith("openapi: 3.1.0"), document.body());
            assertTrue(api.get("/docs").body().contains("/docs/swagger-ui-bundle.js"));
            assertEquals(200, api.get("/docs/swagger-ui-bundle.js").statusCode());
            assertEquals(200, api.get("/problems/outcome-unknown").statusCode());
            var placed = api.postJson("/api/orders",
                    "{\"customerId\":\"cust-020\",\"items\":[{\"sku\":\"ITEM-99\",\"quantity\":5}]}");
            assertEquals(201, placed.statusCode(), placed.body());
            String orderId = JSON.readTree(placed.body()).get("orderId").asText();

            String eventType = Jdbi.create(database.dataSource()).withHandle(h -> h.createQuery(
                            "SELECT event_type FROM orders.outbox WHERE payload->>'order_id' = :id")
                    .bind("id", orderId).mapTo(String.class).one());
            assertEquals("order.created", eventType);
            awaitStatus(api, orderId, "CONFIRMED");

            assertEquals(143, kurir.terminate(Duration.ofSeconds(20)), "the JVM's status after SIGTERM (128 + 15)");
            String output = kurir.output();
            assertTrue(output.contains("\"message\":\"kurir stopped\""), "stops cleanly on SIGTERM:\n" + output);
            for (String line : output.split("\n")) {
                if (line.startsWith("{")) {
                    JsonNode log = JSON.readTree(line);
                    assertTrue(log.has("timestamp") && log.has("level") && log.has("message")
                            && "kurir".equals(log.path("service").asText()), line);
                }
            }
        }
    }

    @Test
    void jar_withNothingConfigured_runsTheSagaOnEmbeddedParts_andKeepsDataAcrossRestarts(@TempDir Path dataDir)
            throws Exception {
        try {
            try (KurirProcess first = KurirProcess.start(Map.of("KURIR_DATA_DIR", dataDir.toString()))) {
                first.awaitReady(Duration.ofSeconds(90));
                assertTrue(first.output().contains("started an embedded PostgreSQL"), first.output());
                assertTrue(first.output().contains("started an embedded AMQP broker"), first.output());
                HttpClientSupport api = new HttpClientSupport(first.apiPort);
                assertEquals(201, api.postJson("/api/items",
                        "{\"sku\":\"KEPT-1\",\"name\":\"Kept\",\"price\":\"1.00\",\"stock\":3}").statusCode());
                var placed = api.postJson("/api/orders",
                        "{\"customerId\":\"c-1\",\"items\":[{\"sku\":\"KEPT-1\",\"quantity\":2}]}");
                assertEquals(201, placed.statusCode(), placed.body());
                awaitStatus(api, JSON.readTree(placed.body()).get("orderId").asText(), "CONFIRMED");
                first.terminate(Duration.ofSeconds(30));
            }
            try (KurirProcess second = KurirProcess.start(Map.of("KURIR_DATA_DIR", dataDir.toString()))) {
                second.awaitReady(Duration.ofSeconds(90));
                var item = new HttpClientSupport(second.apiPort).get("/api/items/KEPT-1");
                assertEquals(200, item.statusCode(), item.body());
                assertEquals(1, JSON.readTree(item.body()).get("stock").asInt(), "the reservation was kept");
                second.terminate(Duration.ofSeconds(30));
            }
        } finally {
            deleteRecursively(dataDir);
        }
    }

    @Test
    void jar_withInvalidConfiguration_exitsWithOneClearMessage() {
        try (KurirProcess kurir = KurirProcess.start(Map.of("KURIR_HTTP_PORT", "eighty"))) {
            assertEquals(2, kurir.awaitExit(Duration.ofSeconds(30)));
            assertTrue(kurir.output().contains("invalid configuration: KURIR_HTTP_PORT must be an integer"),
                    kurir.output());
        }
    }

    @Test
    void jar_onClassicQueues_withTheDefaultQuorumType_exitsWithOneClearMessage() throws Exception {
        try (TestDatabase database = TestDatabase.create();
             TestBroker broker = TestBroker.create();
             Connection connection = RabbitConnections.factory(broker.amqpUri(), "kurir-test").newConnection()) {
            Prerequisite.require(RabbitConnections.isRabbitMq(connection),
                    "JarSmokeIT's queue types", "RabbitMQ (the embedded broker ignores queue types)");
            // What kurir declared before quorum queues were its default.
            RabbitTopology.of(Set.of("orders", "items"), KurirModules.ALL, QueueType.CLASSIC).declare(connection);

            try (KurirProcess kurir = KurirProcess.start(KurirProcess.externalParts(database, broker))) {
                assertEquals(2, kurir.awaitExit(Duration.ofSeconds(60)), kurir.output());
                String output = kurir.output();
                assertTrue(output.contains("invalid configuration: KURIR_AMQP_QUEUE_TYPE is quorum, but the queue "
                        + "'kurir.dead-letter' exists on the broker with other arguments"), output);
                assertFalse(output.contains("stack_trace"), "one message, no stack trace:\n" + output);
            }
            try (KurirProcess classic = KurirProcess.start(withClassicQueues(database, broker), "--exit-when-ready")) {
                assertEquals(0, classic.awaitExit(Duration.ofSeconds(60)), classic.output());
            }
        }
    }

    private static Map<String, String> withClassicQueues(TestDatabase database, TestBroker broker) {
        Map<String, String> env = KurirProcess.externalParts(database, broker);
        env.put("KURIR_AMQP_QUEUE_TYPE", "classic");
        return env;
    }

    @Test
    void jar_exitWhenReady_startsMigratesAndStops_withStatusZero() throws Exception {
        try (TestDatabase database = TestDatabase.create();
             TestBroker broker = TestBroker.create();
             KurirProcess kurir = KurirProcess.start(KurirProcess.externalParts(database, broker),
                     "--exit-when-ready")) {
            assertEquals(0, kurir.awaitExit(Duration.ofSeconds(60)), kurir.output());
            String output = kurir.output();
            assertTrue(output.contains("\"message\":\"kurir is up") && output.contains("\"message\":\"kurir stopped\""),
                    output);
            int migrations = Jdbi.create(database.dataSource()).withHandle(h -> h.createQuery(
                    "SELECT count(*) FROM orders.flyway_schema_history WHERE success").mapTo(Integer.class).one());
            assertTrue(migrations > 0, "the schemas were migrated");
        }
    }

    @Test
    void jar_exitWhenReady_withTheDatabaseUnreachable_exitsWithOne_afterItsStartupWait() {
        // With the default wait (2 minutes) it would not exit within the minute.
        try (KurirProcess kurir = KurirProcess.start(Map.of("KURIR_DB_URL", "jdbc:postgresql://127.0.0.1:9/nothing",
                "KURIR_AMQP_URI", "amqp://guest:guest@127.0.0.1:9/", "KURIR_DB_STARTUP_WAIT", "1s"),
                "--exit-when-ready")) {
            assertEquals(1, kurir.awaitExit(Duration.ofSeconds(60)), kurir.output());
            assertTrue(kurir.output().contains("kurir could not start"), kurir.output());
        }
    }

    @Test
    void jar_withAnUnknownArgument_exitsWithTwo() {
        // Unreachable parts, so that a regression here fails fast instead of starting an embedded PostgreSQL in ~/.kurir.
        try (KurirProcess kurir = KurirProcess.start(Map.of("KURIR_DB_URL", "jdbc:postgresql://127.0.0.1:9/nothing",
                "KURIR_AMQP_URI", "amqp://guest:guest@127.0.0.1:9/"), "--exit-when-redy")) {
            assertEquals(2, kurir.awaitExit(Duration.ofSeconds(30)));
            assertTrue(kurir.output().contains("invalid arguments: --exit-when-redy"), kurir.output());
        }
    }

    @Test
    void jar_onAPlatformWithoutEmbeddedPostgres_andNoDatabaseUrl_exitsWithTwo_namingKurirDbUrl() throws Exception {
        // The platform is forced through the JVM's own properties: the check reads them as zonky would.
        Path dataDir = Files.createTempDirectory("kurir-platform");
        try (KurirProcess kurir = KurirProcess.startWithJvmOptions(List.of("-Dos.name=Mac OS X", "-Dos.arch=aarch64"),
                Map.of("KURIR_DATA_DIR", dataDir.toString(), "KURIR_AMQP_URI", "amqp://guest:guest@127.0.0.1:9/"),
                "--exit-when-ready")) {
            assertEquals(2, kurir.awaitExit(Duration.ofSeconds(60)), kurir.output());
            assertTrue(kurir.output().contains("KURIR_DB_URL is required on Mac OS X aarch64"), kurir.output());
            assertFalse(kurir.output().contains("\tat "), "no stack trace: " + kurir.output());
            assertFalse(Files.exists(dataDir.resolve("postgres")), "nothing unpacked");
        } finally {
            deleteRecursively(dataDir);
        }
    }

    private static void awaitStatus(HttpClientSupport api, String orderId, String status) {
        Eventually.await("order " + orderId + " " + status, Duration.ofSeconds(30),
                () -> api.get("/api/orders/" + orderId).body().contains("\"status\":\"" + status + "\""),
                () -> api.get("/api/orders/" + orderId).body());
    }

    private static void deleteRecursively(Path dir) throws Exception {
        if (Files.exists(dir)) {
            try (Stream<Path> paths = Files.walk(dir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }
}
