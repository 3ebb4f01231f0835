package dev.kurir.bootstrap;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Where the embedded PostgreSQL can run, and what kurir says elsewhere. */
class EmbeddedDatabaseTest {

    @Test
    void linuxOnAmd64_isSupported() {
        assertDoesNotThrow(() -> EmbeddedDatabase.requireSupportedPlatform("Linux", "amd64"));
        assertDoesNotThrow(() -> EmbeddedDatabase.requireSupportedPlatform("Linux", "x86_64"));
    }

    @Test
    void otherPlatforms_needKurirDbUrl() {
        for (String[] platform : new String[][] {{"Mac OS X", "aarch64"}, {"Mac OS X", "x86_64"},
                {"Linux", "aarch64"}, {"Windows 11", "amd64"}}) {
            ConfigException e = assertThrows(ConfigException.class,
                    () -> EmbeddedDatabase.requireSupportedPlatform(platform[0], platform[1]));
            assertTrue(e.getMessage().startsWith("KURIR_DB_URL is required on " + platform[0] + " " + platform[1]),
                    e.getMessage());
        }
    }
}
