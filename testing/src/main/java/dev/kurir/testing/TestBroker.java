package dev.kurir.testing;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.kurir.embedded.broker.EmbeddedBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An AMQP broker of its own for one test class. On the RabbitMQ named by {@code KURIR_TEST_AMQP_URI} (default
 * {@code amqp://guest:guest@127.0.0.1:5672/}) when it answers and {@code rabbitmqctl} can manage it, it is a fresh
 * virtual host, deleted on {@link #close()}; otherwise it is an embedded Qpid broker started for this instance and
 * stopped on close, so the suite passes on a machine with only a JDK.
 */
public final class TestBroker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TestBroker.class);
    private static final long RABBITMQCTL_TIMEOUT_SECONDS = 30;
    private static Boolean rabbitMqUsable;

    private final String amqpUri;
    private final String vhost;
    private final Path workDir;
    private EmbeddedBroker embedded; // replaced by start()
    private boolean rabbitMqStopped;

    private TestBroker(String amqpUri, String vhost, EmbeddedBroker embedded, Path workDir) {
        this.amqpUri = amqpUri;
        this.vhost = vhost;
        this.embedded = embedded;
        this.workDir = workDir;
    }

    /** A fresh virtual host on the local RabbitMQ, or a fresh embedded broker. */
    public static TestBroker create() {
        String base = env("KURIR_TEST_AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/");
        return rabbitMqUsable(base) ? onRabbitMq(base) : embedded();
    }

    /** The URI to connect with, credentials and virtual host included. */
    public String amqpUri() {
        return amqpUri;
    }

    /**
     * Whether {@link #stop()} then {@link #start()} keeps durable queues and persistent messages: true for RabbitMQ;
     * false for the embedded broker, which keeps everything in memory.
     */
    public boolean canRestart() {
        return embedded == null;
    }

    /**
     * Stops the broker, as an outage would. On RabbitMQ this is {@code rabbitmqctl stop_app}: it stops the whole
     * local node, every virtual host included, until {@link #start()} (or {@link #close()}) starts it again.
     */
    public void stop() {
        if (embedded == null) {
            rabbitmqctl("stop_app");
            rabbitMqStopped = true;
            log.info("stopped the local RabbitMQ (rabbitmqctl stop_app)");
        } else {
            embedded.close();
            log.info("stopped the embedded broker on port {}", embedded.port());
        }
    }

    /** Starts the broker stopped by {@link #stop()} and returns once it accepts connections, on the same port. */
    public void start() {
        if (embedded == null) {
            rabbitmqctl("start_app");
            rabbitmqctl("await_startup");
            rabbitMqStopped = false;
            log.info("started the local RabbitMQ again (rabbitmqctl start_app)");
            return;
        }
        int port = embedded.port();
        try {
            embedded = EmbeddedBroker.start(workDir, port);
        } catch (Exception e) {
            throw new IllegalStateException("could not restart the embedded broker on port " + port, e);
        }
        log.info("started the embedded broker again on port {}", port);
    }

    /**
     * Makes the broker drop every client connection of this test broker, as a broker failure would: on RabbitMQ each
     * connection to this virtual host is closed with {@code rabbitmqctl close_connection}, leaving other virtual
     * hosts alone; the embedded broker is stopped and started again on the same port, which also loses all its
     * queues and messages.
     */
    public void dropConnections() {
        if (embedded != null) {
            stop();
            start();
            return;
        }
        List<String> pids = new ArrayList<>();
        for (String line : rabbitmqctl("-q", "list_connections", "vhost", "pid").lines().toList()) {
            String[] columns = line.split("\t");
            if (columns.length == 2 && columns[0].equals(vhost)) {
                pids.add(columns[1]);
            }
        }
        for (String pid : pids) {
            rabbitmqctl("close_connection", pid, "closed by a kurir test");
        }
        log.info("closed {} connection(s) to vhost {}", pids.size(), vhost);
    }

    /** Deletes the virtual host, or stops the embedded broker and deletes its files; restarts a stopped RabbitMQ. */
    @Override
    public void close() {
        if (embedded == null) {
            if (rabbitMqStopped) {
                start(); // never leave the shared node down after a failed test
            }
            rabbitmqctl("delete_vhost", vhost);
            log.info("deleted vhost {}", vhost);
            return;
        }
        embedded.close();
        deleteRecursively(workDir);
    }

    private static TestBroker onRabbitMq(String base) {
        String vhost = "kurir_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        URI uri = URI.create(base);
        String user = uri.getRawUserInfo() == null ? "guest"
                : URLDecoder.decode(uri.getRawUserInfo().split(":", 2)[0], StandardCharsets.UTF_8);
        rabbitmqctl("add_vhost", vhost);
        rabbitmqctl("set_permissions", "-p", vhost, user, ".*", ".*", ".*");
        String amqpUri = withVhost(uri, vhost);
        log.info("test broker: vhost {} on the local RabbitMQ", vhost);
        return new TestBroker(amqpUri, vhost, null, null);
    }

    private static TestBroker embedded() {
        try {
            Path workDir = Files.createTempDirectory("kurir-test-broker-");
            EmbeddedBroker broker = EmbeddedBroker.start(workDir, 0);
            log.info("test broker: embedded on port {}", broker.port());
            return new TestBroker(broker.amqpUri(), "/", broker, workDir);
        } catch (IOException e) {
            throw new UncheckedIOException("could not create a work directory for the embedded broker", e);
        } catch (Exception e) {
            throw new IllegalStateException("could not start the embedded broker", e);
        }
    }

    private static synchronized boolean rabbitMqUsable(String base) {
        if (rabbitMqUsable == null) {
            rabbitMqUsable = answers(base) && rabbitmqctlWorks();
        }
        return rabbitMqUsable;
    }

    private static boolean answers(String base) {
        ConnectionFactory factory = new ConnectionFactory();
        try {
            // The default vhost "/": a URI ending in "/" names the empty vhost, which RabbitMQ does not have.
            factory.setUri(withVhost(URI.create(base), "/"));
            factory.setConnectionTimeout(2_000);
            factory.setAutomaticRecoveryEnabled(false);
            try (Connection ignored = factory.newConnection("kurir-test-probe")) {
                return true;
            }
        } catch (Exception e) {
            log.info("no RabbitMQ at {} ({}); tests use an embedded broker", redacted(base), rootCause(e));
            return false;
        }
    }

    private static boolean rabbitmqctlWorks() {
        boolean onPath = Prerequisite.onPath("rabbitmqctl").isPresent();
        if (!onPath) {
            log.info("RabbitMQ answers but rabbitmqctl is not on the PATH; tests use an embedded broker");
            return false;
        }
        try {
            rabbitmqctl("-q", "list_vhosts");
            return true;
        } catch (IllegalStateException e) {
            log.info("rabbitmqctl cannot manage the local RabbitMQ ({}); tests use an embedded broker",
                    e.getMessage());
            return false;
        }
    }

    private static String rabbitmqctl(String... arguments) {
        List<String> command = new ArrayList<>(List.of("rabbitmqctl"));
        command.addAll(List.of(arguments));
        Path output = null;
        try {
            output = Files.createTempFile("kurir-rabbitmqctl-", ".out");
            // Output to a file: reading a pipe could block past the timeout if the tool hangs.
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile())
                    .start();
            if (!process.waitFor(RABBITMQCTL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " timed out after "
                        + RABBITMQCTL_TIMEOUT_SECONDS + " s");
            }
            String text = Files.readString(output);
            if (process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " exited with " + process.exitValue()
                        + ": " + text.strip());
            }
            log.debug("{}: {}", String.join(" ", command), text.strip());
            return text;
        } catch (IOException e) {
            throw new IllegalStateException("could not run " + String.join(" ", command) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + String.join(" ", command), e);
        } finally {
            if (output != null) {
                try {
                    Files.deleteIfExists(output);
                } catch (IOException e) {
                    log.debug("could not delete {}", output, e);
                }
            }
        }
    }

    private static String withVhost(URI base, String vhost) {
        String encoded = URLEncoder.encode(vhost, StandardCharsets.UTF_8);
        return base.getScheme() + "://" + base.getRawAuthority() + "/" + encoded;
    }

    private static String rootCause(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }

    private static String redacted(String uri) {
        return uri.replaceFirst("//.*@", "//");
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            log.warn("could not delete {}", dir, e);
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
