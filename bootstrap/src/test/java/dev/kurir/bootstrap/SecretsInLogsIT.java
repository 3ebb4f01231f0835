package dev.kurir.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kurir.testing.TestBroker;
import dev.kurir.testing.TestDatabase;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The jar's whole output, from the start-up line to the last, holds none of the secrets it was given. */
class SecretsInLogsIT {
    private static final String DB_URL_SECRET = "url-s3cret-4f1c";
    private static final String DB_PASSWORD = "password-s3cret-9a2e";
    private static final String ADMIN_TOKEN = "admin-s3cret-0123456789";

    @Test
    void startAndStop_withAPasswordInTheDatabaseUrl_logsNoSecret() {
        try (TestDatabase database = TestDatabase.create();
             TestBroker broker = TestBroker.create()) {
            Map<String, String> env = KurirProcess.externalParts(database, broker);
            String url = database.jdbcUrl();
            // The local server trusts the test user, so the password is sent (or not) and ignored.
            env.put("KURIR_DB_URL", url + (url.contains("?") ? "&" : "?") + "password=" + DB_URL_SECRET);
            env.put("KURIR_DB_PASSWORD", DB_PASSWORD);
            env.put("KURIR_ADMIN_TOKEN", ADMIN_TOKEN);
            try (KurirProcess kurir = KurirProcess.start(env, "--exit-when-ready")) {
                assertEquals(0, kurir.awaitExit(Duration.ofSeconds(60)), kurir.output());
                String output = kurir.output();
                assertTrue(output.contains("starting kurir with KurirConfig[database=jdbc:postgresql://"), output);
                assertTrue(output.contains("password=***"), "the parameter is named, its value hidden:\n" + output);
                assertNoSecret(output, URI.create(broker.amqpUri()).getRawUserInfo());
            }
        }
    }

    @Test
    void databaseUnreachable_theStartFails_andLogsNoSecret() {
        try (KurirProcess kurir = KurirProcess.start(Map.of(
                "KURIR_DB_URL", "jdbc:postgresql://127.0.0.1:9/nothing?user=kurir&password=" + DB_URL_SECRET,
                "KURIR_DB_PASSWORD", DB_PASSWORD,
                "KURIR_AMQP_URI", "amqp://kurir:p@" + DB_PASSWORD + "@127.0.0.1:9/",
                "KURIR_DB_STARTUP_WAIT", "1s"), "--exit-when-ready")) {
            assertEquals(1, kurir.awaitExit(Duration.ofSeconds(60)), kurir.output());
            assertNoSecret(kurir.output(), "kurir:p@");
        }
    }

    @Test
    void invalidDatabaseUrl_isNotRepeated() {
        try (KurirProcess kurir = KurirProcess.start(Map.of(
                "KURIR_DB_URL", "postgresql://kurir:" + DB_URL_SECRET + "@db/kurir"), "--exit-when-ready")) {
            assertEquals(2, kurir.awaitExit(Duration.ofSeconds(30)), kurir.output());
            assertTrue(kurir.output().contains("invalid configuration: KURIR_DB_URL must start with jdbc:postgresql://"),
                    kurir.output());
            assertNoSecret(kurir.output(), DB_URL_SECRET);
        }
    }

    private static void assertNoSecret(String output, String alsoSecret) {
        for (String secret : new String[] {DB_URL_SECRET, DB_PASSWORD, ADMIN_TOKEN, alsoSecret}) {
            assertFalse(output.contains(secret), "the output shows " + secret + ":\n" + output);
        }
    }
}
