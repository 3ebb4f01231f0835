package dev.kurir.bootstrap;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The operator audit lines the in-process tests write to {@code target/admin-audit.log} (logback-test.xml), from
 * this test run only: the file outlives runs, and a fresh database repeats row ids.
 */
final class AuditLog {
    private static final Path FILE = Path.of("target", "admin-audit.log");
    private static final long LINES_BEFORE_THIS_RUN = lines().size();

    private AuditLog() {
    }

    /** Marks where this run's lines start; call it before the first audited action. */
    static void beginRun() {
        // Loading the class counts the lines already there.
    }

    /** The audit lines of this run that contain every one of {@code parts}, e.g. {@code action="discard"}. */
    static List<String> linesWith(String... parts) {
        return lines().stream()
                .skip(LINES_BEFORE_THIS_RUN)
                .filter(line -> List.of(parts).stream().allMatch(line::contains))
                .toList();
    }

    private static List<String> lines() {
        try {
            return Files.exists(FILE) ? Files.readAllLines(FILE) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
