package dev.kurir.bootstrap;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL 17 run by kurir itself when no {@code KURIR_DB_URL} is given: a development convenience
 * whose data survives restarts in {@code <KURIR_DATA_DIR>/postgres}.
 */
final class EmbeddedDatabase implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabase.class);

    private final EmbeddedPostgres postgres;
    private final Path dataDirectory;

    private EmbeddedDatabase(EmbeddedPostgres postgres, Path dataDirectory) {
        this.postgres = postgres;
        this.dataDirectory = dataDirectory;
    }

    static EmbeddedDatabase start(Path dataDir) {
        requireSupportedPlatform(System.getProperty("os.name"), System.getProperty("os.arch"));
        Path dataDirectory = dataDir.resolve("postgres").toAbsolutePath();
        try {
            Files.createDirectories(dataDirectory);
            stopLeftoverServer(dataDirectory);
            EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDirectory)
                    .setCleanDataDirectory(false)
                    .setPGStartupWait(Duration.ofSeconds(30))
                    .start();
            log.info("started an embedded PostgreSQL on 127.0.0.1:{} with data in {} "
                    + "(set KURIR_DB_URL to use your own PostgreSQL)", postgres.getPort(), dataDirectory);
            return new EmbeddedDatabase(postgres, dataDirectory);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the embedded PostgreSQL in " + dataDirectory, e);
        }
    }

    /**
     * The build ships zonky's PostgreSQL binaries for linux-amd64 only (every platform would add ~100 MB to the jar).
     * Elsewhere, say what to do instead of failing on a missing binary with a stack trace.
     *
     * @throws ConfigException naming {@code KURIR_DB_URL} on any other platform
     */
    static void requireSupportedPlatform(String osName, String osArch) {
        boolean linux = osName.toLowerCase(Locale.ROOT).startsWith("linux");
        boolean amd64 = osArch.equals("amd64") || osArch.equals("x86_64");
        if (!linux || !amd64) {
            throw new ConfigException("KURIR_DB_URL", "is required on " + osName + " " + osArch
                    + ": the embedded PostgreSQL kurir starts when it is unset exists for Linux on amd64 only; set it"
                    + " to a PostgreSQL of yours, e.g. jdbc:postgresql://127.0.0.1:5432/kurir"
                    + " (docker run -p 5432:5432 -e POSTGRES_HOST_AUTH_METHOD=trust postgres:17)");
        }
    }

    String jdbcUrl() {
        return postgres.getJdbcUrl("postgres", "postgres");
    }

    /**
     * A kurir killed with SIGKILL leaves its PostgreSQL running on the data directory; the next start would then
     * fail on the lock. Stop such a server, but only when its command line names this very directory.
     */
    private static void stopLeftoverServer(Path dataDirectory) throws IOException {
        Path pidFile = dataDirectory.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        List<String> lines = Files.readAllLines(pidFile);
        Optional<ProcessHandle> leftover = lines.isEmpty() ? Optional.empty()
                : ProcessHandle.of(Long.parseLong(lines.get(0).trim()));
        leftover.filter(ProcessHandle::isAlive)
                .filter(p -> p.info().commandLine().orElse("").contains(dataDirectory.toString()))
                .ifPresent(process -> {
                    log.warn("stopping an embedded PostgreSQL left running by an earlier kurir (pid {})", process.pid());
                    process.destroy();
                    process.onExit().orTimeout(30, java.util.concurrent.TimeUnit.SECONDS).join();
                });
    }

    @Override
    public void close() {
        try {
            postgres.close();
            log.info("stopped the embedded PostgreSQL ({})", dataDirectory);
        } catch (IOException e) {
            log.warn("the embedded PostgreSQL did not stop cleanly", e);
        }
    }
}
