package dev.kurir.testing;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
}
