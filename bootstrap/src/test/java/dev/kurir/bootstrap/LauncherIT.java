package dev.kurir.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kurir.testing.TestBroker;
import dev.kurir.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code ./kurir}, the launcher the README gives: it starts the jar with the agent and passes {@code KURIR_JAVA_OPTS}
 * on, which is how an AOT cache recorded as docs/configuration.md shows is used.
 */
class LauncherIT {

    @Test
    void anAotCacheRecordedAsTheDocsShow_isUsedThroughKurirJavaOpts_withAndWithoutTheAgent() throws Exception {
        Path directory = Files.createTempDirectory("kurir-aot");
        Path cache = directory.resolve("kurir.aot");
        try (TestDatabase database = TestDatabase.create();
             TestBroker broker = TestBroker.create()) {
            Map<String, String> env = KurirProcess.externalParts(database, broker);

            try (KurirProcess training = KurirProcess.startWithJvmOptions(List.of("--add-modules", "java.instrument",
                    "-XX:+UnlockDiagnosticVMOptions", "-XX:-AOTRecordTraining", "-XX:AOTCacheOutput=" + cache), env,
                    "--exit-when-ready")) {
                assertEquals(0, training.awaitExit(Duration.ofSeconds(120)), training.output());
                assertTrue(Files.size(cache) > 1_000_000, "a cache was written");
            }

            // AOTMode=on: a JVM that cannot use the cache exits instead of starting without it.
            String useCache = "--add-modules java.instrument -XX:AOTCache=" + cache + " -XX:AOTMode=on";
            Map<String, String> withoutAgent = new HashMap<>(env);
            withoutAgent.put("KURIR_OTEL_AGENT", "off");
            withoutAgent.put("KURIR_JAVA_OPTS", useCache + " -Xlog:class+load=info");
            try (KurirProcess kurir = KurirProcess.startLauncher(withoutAgent)) {
                kurir.awaitReady(Duration.ofSeconds(60));
                assertTrue(kurir.output().contains("dev.kurir.bootstrap.Main source: shared objects file"),
                        "kurir's own classes come from the cache without the agent");
                assertEquals(143, kurir.terminate(Duration.ofSeconds(30)));
            }

            Map<String, String> withAgent = new HashMap<>(env);
            withAgent.put("KURIR_JAVA_OPTS", useCache);
            try (KurirProcess kurir = KurirProcess.startLauncher(withAgent)) {
                kurir.awaitReady(Duration.ofSeconds(60));
                assertTrue(kurir.output().contains("opentelemetry-javaagent"), "the agent is attached:\n"
                        + kurir.output());
                assertEquals(143, kurir.terminate(Duration.ofSeconds(30)));
            }
        } finally {
            Files.deleteIfExists(cache);
            Files.deleteIfExists(directory);
        }
    }
}
