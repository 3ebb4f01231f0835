package dev.kurir.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.kurir.testing.Prerequisite;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The OpenAPI document linted by Redocly CLI with its recommended ruleset ({@code adapters/http/redocly.yaml}): no
 * error and no warning. Without {@code redocly} the test is skipped; in CI it fails ({@code .ci/run} installs
 * {@code @redocly/cli} into {@code ~/.cache/kurir-npm}).
 */
class OpenApiLintIT {
    static final String VERSION = "2.77.0";
    private static final Path MODULE = Path.of("..", "adapters", "http").toAbsolutePath().normalize();

    @Test
    void openApiDocument_passesRedoclysRecommendedRules_withoutAWarning() throws Exception {
        Optional<Path> redocly = redocly();
        Prerequisite.require(redocly.isPresent(), "OpenApiLintIT",
                "redocly and node (npm install --prefix ~/.cache/kurir-npm @redocly/cli@" + VERSION + ")");
        Path document = MODULE.resolve("src/main/resources/" + HttpContract.RESOURCE);
        assertTrue(Files.isRegularFile(document), "no " + document);
        Path log = Files.createTempFile("kurir-redocly", ".log");
        try {
            Process process = new ProcessBuilder(List.of(redocly.get().toString(), "lint", "--config",
                    MODULE.resolve("redocly.yaml").toString(), document.toString()))
                    .directory(MODULE.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            if (!process.waitFor(3, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                fail("redocly lint did not finish within 3 minutes:\n" + Files.readString(log));
            }
            String output = Files.readString(log);
            System.out.println(output);
            assertEquals(0, process.exitValue(), "redocly lint failed:\n" + output);
            assertTrue(output.contains("Woohoo! Your API description is valid."), output);
            // Redocly's summary counts them ("You have 11 warnings."); its Node.js notices are no finding.
            assertFalse(output.contains("You have "), "redocly lint warned:\n" + output);
        } finally {
            Files.deleteIfExists(log);
        }
    }

    /** The pinned install .ci/run makes, else one on the PATH. */
    static Optional<Path> redocly() {
        return Prerequisite.npmCommand("redocly");
    }
}
