package dev.kurir.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.kurir.testing.Prerequisite;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One of the repository's validation scripts ({@code compose/validate.sh}, {@code deploy/helm/validate.sh}) run from
 * the repository's root: it must exit 0. It exits 3 when a tool it needs is missing: skipped on a developer's
 * machine, a failure in CI ({@code CI=true}), where {@code .ci/run} installs them.
 */
final class ValidationScript {
    private static final int PREREQUISITE_MISSING = 3;

    private ValidationScript() {
    }

    /** @param script relative to the repository's root, e.g. {@code compose/validate.sh} */
    static void mustPass(String script, Duration timeout) throws IOException, InterruptedException {
        Path root = Path.of("..").toAbsolutePath().normalize();
        Path file = root.resolve(script);
        assertTrue(Files.isRegularFile(file), "no " + file);
        Path log = Files.createTempFile("kurir-validate", ".log");
        try {
            Process process = new ProcessBuilder(List.of("bash", file.toString()))
                    .directory(root.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroy(); // SIGTERM: the scripts' traps stop what they started and clean up
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
                fail(script + " did not finish within " + timeout + ":\n" + Files.readString(log));
            }
            String output = Files.readString(log);
            System.out.println(output);
            Prerequisite.require(process.exitValue() != PREREQUISITE_MISSING, script,
                    "what it names:\n" + lastLines(output, 3));
            assertEquals(0, process.exitValue(), script + " failed:\n" + output);
        } finally {
            Files.deleteIfExists(log);
        }
    }

    private static String lastLines(String text, int count) {
        List<String> lines = text.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - count), lines.size()));
    }
}
