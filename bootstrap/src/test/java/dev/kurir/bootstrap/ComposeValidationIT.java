package dev.kurir.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.kurir.testing.Prerequisite;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code compose/validate.sh} in the test suite, on the jar this build just packaged: the compose stack's
 * Prometheus configuration, alert rules and their unit tests, Alertmanager configuration, compose file and
 * Dockerfile, the Grafana dashboards and datasources, and every dashboard expression run against a real
 * Prometheus scraping a real kurir (and RabbitMQ's metrics) after a load that includes failures made on purpose.
 * No Docker engine is needed.
 *
 * <p>The script exits 3 when a tool it needs is missing (promtool, docker-compose, a local PostgreSQL or RabbitMQ):
 * skipped on a developer's machine, a failure in CI ({@code CI=true}), where {@code .ci/run} installs them.
 */
class ComposeValidationIT {
    private static final int PREREQUISITE_MISSING = 3;

    @Test
    void composeStack_validatesAgainstTheRealServiceAndPrometheus() throws Exception {
        Path root = Path.of("..").toAbsolutePath().normalize();
        Path script = root.resolve("compose").resolve("validate.sh");
        assertTrue(Files.isRegularFile(script), "no " + script);
        Path log = Files.createTempFile("kurir-compose-validate", ".log");
        try {
            Process process = new ProcessBuilder(List.of("bash", script.toString()))
                    .directory(root.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            if (!process.waitFor(5, TimeUnit.MINUTES)) {
                process.destroy(); // SIGTERM: the script's trap stops its kurir and Prometheus and cleans up
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
                fail("compose/validate.sh did not finish within 5 minutes:\n" + Files.readString(log));
            }
            String output = Files.readString(log);
            System.out.println(output);
            Prerequisite.require(process.exitValue() != PREREQUISITE_MISSING, "compose/validate.sh",
                    "what it names:\n" + lastLines(output, 3));
            assertEquals(0, process.exitValue(), "compose/validate.sh failed:\n" + output);
        } finally {
            Files.deleteIfExists(log);
        }
    }

    private static String lastLines(String text, int count) {
        List<String> lines = text.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - count), lines.size()));
    }
}
