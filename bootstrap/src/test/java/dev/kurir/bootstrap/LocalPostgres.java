package dev.kurir.bootstrap;

import dev.kurir.testing.Prerequisite;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * The Debian-managed PostgreSQL cluster a test database lives on, stopped and started with {@code pg_ctlcluster}, as
 * an outage would. It is shared by everything on the machine: whoever stops it must start it again in a
 * {@code finally}; a JVM shutdown hook starts it too, should the test JVM be stopped during the outage.
 */
final class LocalPostgres {
    private static final Pattern CLUSTER = Pattern.compile("(\\d+)/([A-Za-z0-9_.-]+)");
    private static final long TIMEOUT_SECONDS = 120;

    private final String version;
    private final String cluster;
    private final Thread startOnExit = new Thread(this::startQuietly, "start-postgresql-on-exit");

    private LocalPostgres(String version, String cluster) {
        this.version = version;
        this.cluster = cluster;
    }

    /**
     * The cluster serving {@code dataSource}, if this machine can stop and start it: a Debian cluster (its
     * {@code cluster_name} is {@code <version>/<name>}, e.g. {@code 15/main}), with {@code pg_ctlcluster} on the PATH.
     * Empty for the embedded PostgreSQL, a remote server, or a machine without the tool.
     */
    static Optional<LocalPostgres> serving(DataSource dataSource) {
        String clusterName;
        try (Connection connection = dataSource.getConnection();
             Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT current_setting('cluster_name')")) {
            result.next();
            clusterName = result.getString(1);
        } catch (SQLException e) {
            return Optional.empty();
        }
        Matcher matcher = CLUSTER.matcher(clusterName == null ? "" : clusterName);
        boolean toolOnPath = Prerequisite.onPath("pg_ctlcluster").isPresent();
        if (!matcher.matches() || !toolOnPath
                || !Files.isDirectory(Path.of("/etc/postgresql", matcher.group(1), matcher.group(2)))) {
            return Optional.empty();
        }
        return Optional.of(new LocalPostgres(matcher.group(1), matcher.group(2)));
    }

    String describe() {
        return "PostgreSQL cluster " + version + "/" + cluster;
    }

    /** Stops the cluster (fast mode: open transactions roll back, clients are disconnected). */
    void stop() {
        Runtime.getRuntime().addShutdownHook(startOnExit);
        run("stop");
    }

    /** Starts the cluster again and returns once pg_ctl reports it started. */
    void start() {
        run("start");
        try {
            Runtime.getRuntime().removeShutdownHook(startOnExit);
        } catch (IllegalStateException | IllegalArgumentException alreadyExitingOrNotRegistered) {
            // nothing to undo
        }
    }

    private void startQuietly() {
        try {
            run("start");
        } catch (RuntimeException e) {
            System.err.println("could not start " + describe() + " again: " + e.getMessage());
        }
    }

    private void run(String action) {
        List<String> command = new ArrayList<>(List.of("pg_ctlcluster", "--skip-systemctl-redirect", version, cluster,
                action));
        try {
            Path output = Files.createTempFile("kurir-pg-ctlcluster-", ".out");
            try {
                Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile())
                        .start();
                if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new IllegalStateException(String.join(" ", command) + " timed out");
                }
                // Exit status 2: start found it running, or stop found it stopped; either way it is as asked.
                if (process.exitValue() != 0 && process.exitValue() != 2) {
                    throw new IllegalStateException(String.join(" ", command) + " exited with " + process.exitValue()
                            + ": " + Files.readString(output).strip());
                }
            } finally {
                Files.deleteIfExists(output);
            }
        } catch (IOException e) {
            throw new IllegalStateException("could not run " + String.join(" ", command) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + String.join(" ", command), e);
        }
    }
}
