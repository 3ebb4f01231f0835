package dev.kurir.bootstrap;

import dev.kurir.testing.TestBroker;
import dev.kurir.testing.TestDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The shipped jar run as a separate process, the way the README runs it. */
final class KurirProcess implements AutoCloseable {
    static final Path JAR = Path.of("target", "kurir.jar");
    static final Path AGENT = Path.of("target", "opentelemetry-javaagent.jar");
    static final Path AGENT_CONFIGURATION = Path.of("target", "otel-agent.properties");
    static final Path LAUNCHER = Path.of("..", "kurir");
    /** This test JVM's java: every process runs on the JDK the tests run on. */
    private static final Path JAVA = Path.of(ProcessHandle.current().info().command().orElseThrow());
    /** Its home, for the scripts that take JAVA_HOME ({@code ./kurir}, {@code bench/run.sh}). */
    static final Path JAVA_HOME = JAVA.getParent().getParent();

    private final Process process;
    private final Path output;
    final int apiPort;
    final int managementPort;

    private KurirProcess(Process process, Path output, int apiPort, int managementPort) {
        this.process = process;
        this.output = output;
        this.apiPort = apiPort;
        this.managementPort = managementPort;
    }

    /** kurir's configuration for the test's own PostgreSQL database and RabbitMQ vhost; a map to add to. */
    static Map<String, String> externalParts(TestDatabase database, TestBroker broker) {
        return new HashMap<>(Map.of("KURIR_DB_URL", database.jdbcUrl(), "KURIR_DB_USER", database.user(),
                "KURIR_DB_PASSWORD", database.password(), "KURIR_AMQP_URI", broker.amqpUri()));
    }

    /**
     * Starts the jar with only {@code env} as kurir's configuration (inherited KURIR_* and OTEL_* variables are
     * dropped).
     */
    static KurirProcess start(Map<String, String> env) {
        return start(List.of(), env, List.of());
    }

    /** Starts the jar like {@link #start(Map)}, with {@code arguments} after {@code -jar kurir.jar}. */
    static KurirProcess start(Map<String, String> env, String... arguments) {
        return start(List.of(), env, List.of(arguments));
    }

    /** Starts the jar like {@link #start(Map, String...)}, with {@code jvmOptions} before {@code -jar}. */
    static KurirProcess startWithJvmOptions(List<String> jvmOptions, Map<String, String> env, String... arguments) {
        return start(jvmOptions, env, List.of(arguments));
    }

    /**
     * Starts the jar with the OpenTelemetry agent attached, as {@code ./kurir} does; {@code env} configures the agent
     * too (OTEL_*).
     */
    static KurirProcess startWithAgent(Map<String, String> env) {
        return start(List.of("-javaagent:" + AGENT.toAbsolutePath(),
                "-Dotel.javaagent.configuration-file=" + AGENT_CONFIGURATION.toAbsolutePath()), env, List.of());
    }

    private static KurirProcess start(List<String> jvmOptions, Map<String, String> env, List<String> arguments) {
        List<String> command = new ArrayList<>(List.of(JAVA.toString()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", JAR.toAbsolutePath().toString()));
        command.addAll(arguments);
        return run(command, env);
    }

    /**
     * Starts kurir through {@code ./kurir}, the launcher the README gives, on this test JVM's JDK (its JAVA_HOME).
     * The jar is already built by the time integration tests run, so the launcher does not build it again.
     */
    static KurirProcess startLauncher(Map<String, String> env) {
        Map<String, String> withJavaHome = new HashMap<>(env);
        withJavaHome.put("JAVA_HOME", JAVA_HOME.toString());
        return run(List.of("bash", LAUNCHER.toAbsolutePath().toString()), withJavaHome);
    }

    private static KurirProcess run(List<String> command, Map<String, String> env) {
        try {
            int apiPort = portOr(env.get("KURIR_HTTP_PORT"));
            int managementPort = portOr(env.get("KURIR_MANAGEMENT_PORT"));
            Path output = Files.createTempFile("kurir-process", ".log");
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile());
            Map<String, String> environment = builder.environment();
            dropInheritedConfiguration(environment);
            Map<String, String> merged = new HashMap<>(Map.of("KURIR_HTTP_PORT", Integer.toString(apiPort),
                    "KURIR_MANAGEMENT_PORT", Integer.toString(managementPort), "KURIR_HTTP_HOST", "127.0.0.1"));
            merged.putAll(env);
            environment.putAll(merged);
            return new KurirProcess(builder.start(), output, apiPort, managementPort);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Drops the KURIR_* and OTEL_* variables a process would inherit: it runs on the test's configuration only. */
    static void dropInheritedConfiguration(Map<String, String> environment) {
        environment.keySet().removeIf(name -> name.startsWith("KURIR_") || name.startsWith("OTEL_"));
    }

    /** The port the test fixed, or a free one (also when the test passes a deliberately invalid value). */
    private static int portOr(String fixed) throws IOException {
        return fixed != null && fixed.matches("\\d{1,5}") ? Integer.parseInt(fixed) : freePort();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Waits until {@code /health/ready} answers 200; fails with the process output otherwise. */
    KurirProcess awaitReady(Duration timeout) {
        HttpClientSupport management = HttpClientSupport.management(managementPort);
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new AssertionError("kurir exited with " + process.exitValue() + ":\n" + output());
            }
            try {
                if (management.get("/health/ready").statusCode() == 200) {
                    return this;
                }
            } catch (UncheckedIOException notYetListening) {
                // keep waiting
            }
            sleep(100);
        }
        throw new AssertionError("kurir was not ready within " + timeout + ":\n" + output());
    }

    int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("kurir did not exit within " + timeout + ":\n" + output());
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** SIGKILL: the process gets no chance to clean up, as in a crash. */
    void kill() {
        process.destroyForcibly();
        awaitExit(Duration.ofSeconds(30));
    }

    /** SIGTERM, as an orchestrator stops a service. */
    int terminate(Duration timeout) {
        process.destroy();
        return awaitExit(timeout);
    }

    String output() {
        try {
            return Files.readString(output);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        // The launcher's training run is a child of its shell until the shell execs the service.
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        if (process.isAlive()) {
            process.destroyForcibly();
        }
        try {
            Files.deleteIfExists(output);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
