package dev.kurir.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kurir.adapters.rabbitmq.QueueType;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KurirConfigTest {

    @Test
    void defaults_runEmbeddedOnTheDocumentedPorts() {
        KurirConfig config = KurirConfig.from(Map.of());
        assertEquals(Optional.empty(), config.databaseUrl());
        assertEquals(8080, config.httpPort());
        assertEquals(8081, config.managementPort());
        assertEquals("development", config.environment());
        assertEquals(Path.of(System.getProperty("user.home"), ".kurir"), config.dataDir());
        assertEquals(4, config.amqpConsumers());
        assertEquals(5, config.apiConcurrency(), "half the pool");
        assertEquals(QueueType.QUORUM, config.amqpQueueType());
    }

    @Test
    void values_areRead() {
        KurirConfig config = KurirConfig.from(Map.of("KURIR_DB_URL", "jdbc:postgresql://db:5432/kurir",
                "KURIR_HTTP_PORT", "9000", "KURIR_MANAGEMENT_PORT", "9001", "KURIR_ENVIRONMENT", "staging",
                "KURIR_DATA_DIR", "/var/lib/kurir", "KURIR_AMQP_CONSUMERS", "6", "KURIR_AMQP_QUEUE_TYPE", "classic"));
        assertEquals(Optional.of("jdbc:postgresql://db:5432/kurir"), config.databaseUrl());
        assertEquals(9000, config.httpPort());
        assertEquals("staging", config.environment());
        assertEquals(Path.of("/var/lib/kurir"), config.dataDir());
        assertEquals(6, config.amqpConsumers());
        assertEquals(QueueType.CLASSIC, config.amqpQueueType());
    }

    @Test
    void invalidValues_nameTheVariable() {
        assertMessageStartsWith("KURIR_HTTP_PORT", Map.of("KURIR_HTTP_PORT", "eighty"));
        assertMessageStartsWith("KURIR_MANAGEMENT_PORT", Map.of("KURIR_MANAGEMENT_PORT", "70000"));
        assertMessageStartsWith("KURIR_MANAGEMENT_PORT", Map.of("KURIR_HTTP_PORT", "9000", "KURIR_MANAGEMENT_PORT", "9000"));
        assertMessageStartsWith("KURIR_DB_URL", Map.of("KURIR_DB_URL", "postgres://db/kurir"));
        assertMessageStartsWith("KURIR_ENVIRONMENT", Map.of("KURIR_ENVIRONMENT", "Prod Env"));
        assertMessageStartsWith("KURIR_DB_POOL_SIZE", Map.of("KURIR_DB_POOL_SIZE", "0"));
        assertMessageStartsWith("KURIR_AMQP_URI", Map.of("KURIR_AMQP_URI", "http://rabbit:5672"));
        assertMessageStartsWith("KURIR_POLL_INTERVAL", Map.of("KURIR_POLL_INTERVAL", "1 second"));
        assertMessageStartsWith("KURIR_POLL_INTERVAL", Map.of("KURIR_POLL_INTERVAL", "0s"));
        assertMessageStartsWith("KURIR_OUTBOX_WORKERS", Map.of("KURIR_OUTBOX_WORKERS", "0"));
        assertMessageStartsWith("KURIR_AMQP_CONSUMERS", Map.of("KURIR_AMQP_CONSUMERS", "65"));
        assertMessageStartsWith("KURIR_AMQP_QUEUE_TYPE", Map.of("KURIR_AMQP_QUEUE_TYPE", "mirrored"));
        assertMessageStartsWith("KURIR_API_CONCURRENCY", Map.of("KURIR_API_CONCURRENCY", "11"));
        assertMessageStartsWith("KURIR_MAX_RETRIES", Map.of("KURIR_MAX_RETRIES", "-1"));
        assertMessageStartsWith("KURIR_ADMIN_TOKEN", Map.of("KURIR_ADMIN_TOKEN", "short"));
        assertMessageStartsWith("KURIR_RETENTION", Map.of("KURIR_RETENTION", "1 week"));
        assertMessageStartsWith("KURIR_ORDER_DEADLINE", Map.of("KURIR_ORDER_DEADLINE", "0s"));
        assertMessageStartsWith("KURIR_DB_STARTUP_WAIT", Map.of("KURIR_DB_STARTUP_WAIT", "soon"));
        assertMessageStartsWith("KURIR_ORDER_DEADLINE", Map.of("KURIR_ORDER_DEADLINE", "500ms"));
        assertMessageStartsWith("KURIR_MODULES", Map.of("KURIR_MODULES", "orders,billing"));
        assertMessageStartsWith("KURIR_ITEMS_URL", Map.of("KURIR_MODULES", "orders"));
        assertMessageStartsWith("KURIR_ITEMS_URL", Map.of("KURIR_MODULES", "orders", "KURIR_ITEMS_URL", "items:8090"));
    }

    @Test
    void messagingSettings_defaultAsDocumented_andParseDurations() {
        var defaults = KurirConfig.from(Map.of()).messaging();
        assertEquals(3, defaults.relayWorkers());
        assertEquals(3, defaults.inboxWorkers());
        assertEquals(1000, defaults.relayBatchSize());
        assertEquals(100, defaults.inboxBatchSize());
        assertEquals(java.time.Duration.ofSeconds(1), defaults.pollInterval());
        assertEquals(3, defaults.maxRetries());
        var custom = KurirConfig.from(Map.of("KURIR_POLL_INTERVAL", "250ms", "KURIR_RETRY_BACKOFF", "2m",
                "KURIR_AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/")).messaging();
        assertEquals(java.time.Duration.ofMillis(250), custom.pollInterval());
        assertEquals(java.time.Duration.ofMinutes(2), custom.retryBackoff());
        assertEquals(java.time.Duration.ofDays(7), KurirConfig.from(Map.of()).retention());
        assertEquals(java.time.Duration.ofHours(12), KurirConfig.from(Map.of("KURIR_RETENTION", "12h")).retention());
        assertEquals(java.time.Duration.ofMinutes(5), KurirConfig.from(Map.of()).orderDeadline());
        assertEquals(java.time.Duration.ofSeconds(90),
                KurirConfig.from(Map.of("KURIR_ORDER_DEADLINE", "90s")).orderDeadline());
    }

    @Test
    void warmUp_noneByDefault_orForZero_atMostAMinute() {
        assertEquals(java.time.Duration.ZERO, KurirConfig.from(Map.of()).warmUp());
        assertEquals(java.time.Duration.ZERO, KurirConfig.from(Map.of("KURIR_WARMUP", "0s")).warmUp());
        assertEquals(java.time.Duration.ofMillis(2500), KurirConfig.from(Map.of("KURIR_WARMUP", "2500ms")).warmUp());
        assertMessageStartsWith("KURIR_WARMUP", Map.of("KURIR_WARMUP", "2m"));
        assertMessageStartsWith("KURIR_WARMUP", Map.of("KURIR_WARMUP", "soon"));
    }

    @Test
    void leaseTimeout_outlastsTwiceTheConfirmTimeout() {
        assertEquals(java.time.Duration.ofSeconds(30), KurirConfig.from(Map.of()).messaging().lease());
        assertEquals(java.time.Duration.ofSeconds(20),
                KurirConfig.from(Map.of("KURIR_LEASE_TIMEOUT", "20s")).messaging().lease());
        ConfigException error = assertThrows(ConfigException.class,
                () -> KurirConfig.from(Map.of("KURIR_LEASE_TIMEOUT", "19999ms")));
        assertEquals("KURIR_LEASE_TIMEOUT must be at least 20s, twice the relay's 10s wait for publisher confirms (a "
                + "shorter lease lets another worker publish a batch again while it is still in flight), was 19999ms",
                error.getMessage());
    }

    @Test
    void modules_defaultToBoth() {
        assertEquals(Set.of("orders", "items"), KurirConfig.from(Map.of()).modules());
        KurirConfig orders = KurirConfig.from(Map.of("KURIR_MODULES", "orders", "KURIR_ITEMS_URL", "http://127.0.0.1:8090"));
        assertEquals(Set.of("orders"), orders.modules());
        assertEquals("http://127.0.0.1:8090", orders.itemsUrl().orElseThrow().toString());
        assertEquals(Set.of("items"), KurirConfig.from(Map.of("KURIR_MODULES", " items ")).modules());
    }

    @Test
    void apiConcurrency_ofAnOrderServicePricedRemotely_isThePool() {
        Map<String, String> orderService = Map.of("KURIR_MODULES", "orders", "KURIR_ITEMS_URL", "http://127.0.0.1:8090");
        assertEquals(10, KurirConfig.from(orderService).apiConcurrency());
        assertEquals(5, KurirConfig.from(Map.of("KURIR_MODULES", "items")).apiConcurrency(), "half the pool");
        Map<String, String> chosen = new HashMap<>(orderService);
        chosen.put("KURIR_API_CONCURRENCY", "3");
        assertEquals(3, KurirConfig.from(chosen).apiConcurrency());
    }

    /** The name comes from OTEL_SERVICE_NAME, as the agent's and the log lines' do (otel-env.sh derives it). */
    @Test
    void serviceName_isOtelServiceName_orKurir() {
        assertEquals("kurir", KurirConfig.from(Map.of()).serviceName());
        assertEquals("order-service", KurirConfig.from(Map.of("KURIR_MODULES", "orders",
                "KURIR_ITEMS_URL", "http://127.0.0.1:8090", "OTEL_SERVICE_NAME", "order-service")).serviceName());
    }

    @Test
    void toString_neverShowsAPassword() {
        KurirConfig config = KurirConfig.from(Map.of("KURIR_DB_URL", "jdbc:postgresql://db/kurir",
                "KURIR_DB_PASSWORD", "s3cret-value", "KURIR_AMQP_URI", "amqp://kurir:amqp-s3cret@rabbit:5672/",
                "KURIR_ADMIN_TOKEN", "admin-s3cret-0123456789"));
        assertTrue(!config.toString().contains("admin-s3cret"), config.toString());
        assertTrue(!config.toString().contains("s3cret-value"));
        assertTrue(!config.toString().contains("amqp-s3cret"), config.toString());
        assertTrue(config.toString().contains("broker=amqp://rabbit:5672/"), config.toString());
    }

    @Test
    void toString_hidesPasswordsGivenInTheDatabaseUrl() {
        for (String url : List.of("jdbc:postgresql://db:5432/kurir?password=db-s3cret",
                "jdbc:postgresql://db:5432/kurir?user=kurir&password=db-s3cret&ssl=true",
                "jdbc:postgresql://db:5432/kurir?ssl=true&sslpassword=db-s3cret",
                "jdbc:postgresql://db:5432/kurir?PASSWORD=db-s3cret",
                "jdbc:postgresql://db:5432/kurir?password=db%40s3cret%26x=1",
                "jdbc:postgresql://kurir:db-s3cret@db:5432/kurir",
                "jdbc:postgresql://kurir:db@s3cret@db:5432/kurir")) {
            String shown = KurirConfig.from(Map.of("KURIR_DB_URL", url)).toString();
            assertFalse(shown.contains("s3cret"), shown);
            assertTrue(shown.contains("db:5432/kurir"), shown);
        }
        String shown = KurirConfig.from(Map.of("KURIR_DB_URL",
                "jdbc:postgresql://db:5432/kurir?ssl=true&password=db-s3cret&connectTimeout=5")).toString();
        assertTrue(shown.contains("database=jdbc:postgresql://db:5432/kurir?ssl=true&password=***&connectTimeout=5"),
                shown);
    }

    @Test
    void toString_hidesTheWholeAmqpPassword_evenWithAnUnencodedAt() {
        for (String uri : List.of("amqp://kurir:p@w0rd@rabbit:5672/", "amqp://kurir:p@w0rd@x@rabbit:5672/",
                "amqps://kurir:p/w0rd@rabbit:5671/", "amqp://kurir:p?w0rd@rabbit:5672/",
                "amqp://kurir:p%40w0rd@rabbit:5672/%2F")) {
            String shown = KurirConfig.from(Map.of("KURIR_AMQP_URI", uri)).toString();
            assertFalse(shown.contains("w0rd"), shown);
            assertFalse(shown.contains("kurir:"), shown);
            assertTrue(shown.contains("broker=amqp") && shown.contains("://rabbit:567"), shown);
        }
    }

    @Test
    void invalidUrls_areNotRepeated_inTheError() {
        ConfigException database = assertThrows(ConfigException.class, () -> KurirConfig.from(Map.of("KURIR_DB_URL",
                "postgresql://kurir:db-s3cret@db/kurir?password=db-s3cret")));
        assertFalse(database.getMessage().contains("s3cret"), database.getMessage());
        assertTrue(database.getMessage().startsWith("KURIR_DB_URL must start with jdbc:postgresql://"),
                database.getMessage());
        // URLs the driver cannot parse, which it would log whole (password included) on the JVM's own logger.
        for (String unparsable : List.of("jdbc:postgresql://db:5432?password=db-s3cret",
                "jdbc:postgresql://db:5432/kurir/?password=db-s3cret")) {
            ConfigException refused = assertThrows(ConfigException.class,
                    () -> KurirConfig.from(Map.of("KURIR_DB_URL", unparsable)));
            assertFalse(refused.getMessage().contains("s3cret"), refused.getMessage());
            assertTrue(refused.getMessage().startsWith("KURIR_DB_URL must be jdbc:postgresql://host[:port]/database"),
                    refused.getMessage());
        }
        assertEquals("db:5432/kurir", KurirConfig.from(Map.of("KURIR_DB_URL",
                "jdbc:postgresql://db:5432/kurir?password=a/b")).databaseUrl().orElseThrow().substring(18, 31));
        ConfigException broker = assertThrows(ConfigException.class, () -> KurirConfig.from(Map.of("KURIR_AMQP_URI",
                "http://kurir:p@w0rd@rabbit:5672/")));
        assertFalse(broker.getMessage().contains("w0rd"), broker.getMessage());
        ConfigException items = assertThrows(ConfigException.class, () -> KurirConfig.from(Map.of("KURIR_MODULES",
                "orders", "KURIR_ITEMS_URL", "ftp://svc:items-s3cret@items/")));
        assertFalse(items.getMessage().contains("s3cret"), items.getMessage());
    }

    @Test
    void toString_hidesCredentialsInTheItemsUrl() {
        String shown = KurirConfig.from(Map.of("KURIR_MODULES", "orders",
                "KURIR_ITEMS_URL", "http://svc:items-s3cret@items:8090")).toString();
        assertFalse(shown.contains("s3cret"), shown);
        assertTrue(shown.contains("items=http://items:8090"), shown);
    }

    @Test
    void unknownKurirVariables_areReported() {
        assertEquals(Set.of("KURIR_HTTP_PROT"), KurirConfig.unknownVariables(Map.of("KURIR_HTTP_PROT", "1", "HOME", "/")));
    }

    @Test
    void theLaunchersVariables_areKnown() {
        assertEquals(Set.of(), KurirConfig.unknownVariables(Map.of("KURIR_OTEL_AGENT", "off",
                "KURIR_JAVA_OPTS", "-Xmx1g")));
    }

    private static void assertMessageStartsWith(String variable, Map<String, String> env) {
        ConfigException error = assertThrows(ConfigException.class, () -> KurirConfig.from(env));
        assertTrue(error.getMessage().startsWith(variable + " "), error.getMessage());
    }
}
