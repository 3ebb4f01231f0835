package dev.kurir.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kurir.testing.TestBroker;
import dev.kurir.testing.TestDatabase;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code ./kurir}, the launcher the README gives: the JVM's AOT cache it records once per jar, JVM and options, and
 * starts with. It replaces the cache in {@code bootstrap/target} (a build output) with one trained on its database.
 */
class LauncherIT {
    private static final String RECORDING = "recording the JVM's AOT cache";

    @Test
    void launcher_recordsTheAotCacheOnce_andEveryStartUsesIt() throws Exception {
        Files.deleteIfExists(KurirProcess.AOT_CACHE);
        try (TestDatabase database = TestDatabase.create();
             TestBroker broker = TestBroker.create()) {
            Map<String, String> env = KurirProcess.externalParts(database, broker);

            // JDK_JAVA_OPTIONS, not KURIR_JAVA_OPTS: options of the latter are part of what the cache is recorded for.
            Map<String, String> first = new HashMap<>(env);
            first.put("KURIR_OTEL_AGENT", "off");
            first.put("JDK_JAVA_OPTIONS", "-Xlog:class+load=info");
            try (KurirProcess kurir = KurirProcess.startLauncher(first)) {
                kurir.awaitReady(Duration.ofSeconds(120));
                String output = kurir.output();
                assertTrue(output.contains(RECORDING), output.lines().limit(20).toList().toString());
                assertTrue(Files.size(KurirProcess.AOT_CACHE) > 1_000_000, "a cache was written");
                assertTrue(output.contains("dev.kurir.bootstrap.Main source: shared objects file"),
                        "kurir's own classes come from the cache without the agent");
                assertEquals(143, kurir.terminate(Duration.ofSeconds(30)));
            }

            // AOTMode=on: a JVM that cannot use the cache exits instead of starting without it.
            Map<String, String> second = new HashMap<>(env);
            second.put("JDK_JAVA_OPTIONS", "-XX:AOTMode=on");
            try (KurirProcess kurir = KurirProcess.startLauncher(second)) {
                kurir.awaitReady(Duration.ofSeconds(60));
                String output = kurir.output();
                assertFalse(output.contains(RECORDING), "recorded once per jar, JVM and options:\n" + output);
                assertTrue(output.contains("opentelemetry-javaagent"), "the agent is attached:\n" + output);
                assertEquals(143, kurir.terminate(Duration.ofSeconds(30)));
            }

            // Other JVM options, another cache: the JVM would refuse this one.
            Map<String, String> third = new HashMap<>(env);
            third.put("KURIR_OTEL_AGENT", "off");
            third.put("KURIR_JAVA_OPTS", "-Xmx512m");
            try (KurirProcess kurir = KurirProcess.startLauncher(third)) {
                kurir.awaitReady(Duration.ofSeconds(120));
                assertTrue(kurir.output().contains(RECORDING), kurir.output());
                assertEquals(143, kurir.terminate(Duration.ofSeconds(30)));
            }
        }
    }
}
