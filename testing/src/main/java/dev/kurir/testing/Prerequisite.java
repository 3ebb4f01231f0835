package dev.kurir.testing;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What a test needs beyond a JDK (a binary, the local RabbitMQ with rabbitmqctl): without it the test is skipped with
 * a message naming it, so that {@code ./mvnw -B verify} passes on a machine with only a JDK; in CI
 * ({@code CI=true}), where {@code .ci/run} installs or starts everything, it fails instead.
 */
public final class Prerequisite {
    private Prerequisite() {
    }

    public static void require(boolean available, String test, String what) {
        if (available) {
            return;
        }
        String message = test + " needs " + what;
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail(message);
        }
        assumeTrue(false, message + "; skipped (on CI, with CI=true, it fails instead)");
    }

    /**
     * The command of an npm package ({@code .ci/run} installs them into {@code ~/.cache/kurir-npm}, or the PATH has
     * it), provided {@code node}, which runs it, is on the PATH too: a cache left by an earlier CI run is no use to a
     * machine without node.
     */
    public static Optional<Path> npmCommand(String name) {
        if (onPath("node").isEmpty()) {
            return Optional.empty();
        }
        Path cached = Path.of(System.getProperty("user.home"), ".cache", "kurir-npm", "bin", name);
        return Files.isExecutable(cached) ? Optional.of(cached) : onPath(name);
    }

    /** The first executable called {@code name} in a directory of the PATH, if there is one. */
    public static Optional<Path> onPath(String name) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .filter(dir -> !dir.isBlank()).map(dir -> Path.of(dir, name)).filter(Files::isExecutable).findFirst();
    }
}
