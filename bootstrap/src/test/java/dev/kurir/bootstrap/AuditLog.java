package dev.kurir.bootstrap;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The operator audit lines the in-process tests write to {@code target/admin-audit.log} (logback-test.xml). */
final class AuditLog {
    private static final Path FILE = Path.of("target", "admin-audit.log");

    private AuditLog() {
    }

    /** The audit lines that contain every one of {@code parts}, e.g. {@code action="discard"}. */
    static List<String> linesWith(String... parts) {
        try {
            if (!Files.exists(FILE)) {
                return List.of();
            }
            return Files.readAllLines(FILE).stream()
                    .filter(line -> List.of(parts).stream().allMatch(line::contains))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
