package dev.kurir.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
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
    }

    @Test
    void values_areRead() {
        KurirConfig config = KurirConfig.from(Map.of("KURIR_DB_URL", "jdbc:postgresql://db:5432/kurir",
                "KURIR_HTTP_PORT", "9000", "KURIR_MANAGEMENT_PORT", "9001", "KURIR_ENVIRONMENT", "staging",
                "KURIR_DATA_DIR", "/var/lib/kurir"));
        assertEquals(Optional.of("jdbc:postgresql://db:5432/kurir"), config.databaseUrl());
        assertEquals(9000, config.httpPort());
        assertEquals("staging", config.environment());
        assertEquals(Path.of("/var/lib/kurir"), config.dataDir());
    }

    @Test
    void invalidValues_nameTheVariable() {
        assertMessageStartsWith("KURIR_HTTP_PORT", Map.of("KURIR_HTTP_PORT", "eighty"));
        assertMessageStartsWith("KURIR_MANAGEMENT_PORT", Map.of("KURIR_MANAGEMENT_PORT", "70000"));
        assertMessageStartsWith("KURIR_MANAGEMENT_PORT", Map.of("KURIR_HTTP_PORT", "9000", "KURIR_MANAGEMENT_PORT", "9000"));
        assertMessageStartsWith("KURIR_DB_URL", Map.of("KURIR_DB_URL", "postgres://db/kurir"));
        assertMessageStartsWith("KURIR_ENVIRONMENT", Map.of("KURIR_ENVIRONMENT", "Prod Env"));
        assertMessageStartsWith("KURIR_DB_POOL_SIZE", Map.of("KURIR_DB_POOL_SIZE", "0"));
    }

    @Test
    void toString_neverShowsThePassword() {
        KurirConfig config = KurirConfig.from(Map.of("KURIR_DB_URL", "jdbc:postgresql://db/kurir",
                "KURIR_DB_PASSWORD", "s3cret-value"));
        assertTrue(!config.toString().contains("s3cret-value"));
    }

    @Test
    void unknownKurirVariables_areReported() {
        assertEquals(Set.of("KURIR_HTTP_PROT"), KurirConfig.unknownVariables(Map.of("KURIR_HTTP_PROT", "1", "HOME", "/")));
    }

    private static void assertMessageStartsWith(String variable, Map<String, String> env) {
        ConfigException error = assertThrows(ConfigException.class, () -> KurirConfig.from(env));
        assertTrue(error.getMessage().startsWith(variable + " "), error.getMessage());
    }
}
