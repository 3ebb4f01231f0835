package dev.kurir.embedded.broker;

import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.qpid.server.SystemLauncher;
import org.apache.qpid.server.SystemLauncherListener;
import org.apache.qpid.server.logging.LogMessage;
import org.apache.qpid.server.logging.LogSubject;
import org.apache.qpid.server.logging.MessageLogger;
import org.apache.qpid.server.model.Broker;
import org.apache.qpid.server.model.SystemConfig;
import org.apache.qpid.server.model.port.AmqpPort;
import org.slf4j.LoggerFactory;

/**
 * An AMQP 0-9-1 broker (Apache Qpid Broker-J) running inside this JVM, so that kurir can run its saga
 * without an external RabbitMQ.
 *
 * <p>This is a development convenience, not a production broker. Everything is held in memory:
 * exchanges, queues, bindings and messages, persistent ones included, are lost when the broker stops.
 * It listens on {@code 127.0.0.1} only and knows one user, {@code guest}/{@code guest} (PLAIN), and
 * one virtual host, reached as {@code /}. Its threads are not daemons: close it before the JVM can exit.
 *
 * <p>Qpid is not RabbitMQ. Notably, the queue arguments {@code x-dead-letter-exchange} and
 * {@code x-message-ttl} are refused and the whole connection is closed, {@code basicNack} with
 * {@code requeue=false} neither drops nor dead-letters, and a {@code mandatory} message that cannot be
 * routed is returned <em>and nacked</em>.
 *
 * <p>Qpid logs through SLF4J. Its operational messages (start-up, connections opened and closed, channel
 * errors) go to the {@code qpid.message.*} loggers at DEBUG, not at Qpid's usual INFO.
 */
public final class EmbeddedBroker implements AutoCloseable {

    private static final String CONFIG_RESOURCE = "broker-config.json";

    private final SystemLauncher launcher;
    private final int port;
    private final AtomicBoolean closed = new AtomicBoolean();

    private EmbeddedBroker(SystemLauncher launcher, int port) {
        this.launcher = launcher;
        this.port = port;
    }

    /**
     * Starts a broker listening on {@code 127.0.0.1:port}, and returns once it accepts connections.
     *
     * @param workDir directory for the broker's work files; created if missing
     * @param port    the TCP port, or {@code 0} to pick a free one (see {@link #port()})
     * @return the running broker; close it to stop it
     * @throws IllegalArgumentException if {@code port} is not in {@code 0..65535}
     * @throws IllegalStateException    if the broker does not start, e.g. because the port is taken;
     *                                  Qpid logs the cause
     * @throws Exception                if the work directory cannot be created, or Qpid fails otherwise
     */
    public static EmbeddedBroker start(Path workDir, int port) throws Exception {
        Objects.requireNonNull(workDir, "workDir");
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be in 0..65535: " + port);
        }
        Files.createDirectories(workDir);
        URL config = Objects.requireNonNull(EmbeddedBroker.class.getResource(CONFIG_RESOURCE), CONFIG_RESOURCE);

        var listener = new Listener();
        var launcher = new SystemLauncher(listener);
        // Per-broker context rather than system properties, so that several brokers can share a JVM.
        launcher.startup(Map.of(
                "type", "Memory",
                "initialConfigurationLocation", config.toExternalForm(),
                "startupLoggedToSystemOut", false,
                "context", Map.of(
                        SystemConfig.QPID_WORK_DIR, workDir.toAbsolutePath().toString(),
                        Broker.QPID_AMQP_PORT, Integer.toString(port),
                        // Otherwise a port that cannot be bound is only marked ERRORED and the broker starts.
                        Broker.BROKER_FAIL_STARTUP_WITH_ERRORED_CHILD, "true")));
        // Qpid reports a failed start to the listener, cleans up, and returns normally.
        if (listener.startupError != null) {
            throw new IllegalStateException("embedded AMQP broker did not start on 127.0.0.1:" + port
                    + " (is the port taken? Qpid logged the cause)", listener.startupError);
        }
        return new EmbeddedBroker(launcher, listener.boundAmqpPort());
    }

    /**
     * Returns the URI to give {@code com.rabbitmq.client.ConnectionFactory#setUri}, with the
     * credentials and the virtual host {@code /}.
     *
     * @return for example {@code amqp://guest:guest@127.0.0.1:5673/}
     */
    public String amqpUri() {
        return "amqp://guest:guest@127.0.0.1:" + port + "/";
    }

    /**
     * Returns the port the broker listens on: the one asked for, or the one picked for {@code 0}.
     *
     * @return the bound TCP port
     */
    public int port() {
        return port;
    }

    /** Stops the broker, closing its connections and dropping every message; later calls do nothing. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            launcher.shutdown();
        }
    }

    /** The only way SystemLauncher offers to learn of a failed start and to reach the broker model. */
    private static final class Listener extends SystemLauncherListener.DefaultSystemLauncherListener {
        private volatile SystemConfig<?> systemConfig;
        private volatile RuntimeException startupError;

        @Override
        public void onContainerResolve(SystemConfig<?> systemConfig) {
            this.systemConfig = systemConfig;
            // Qpid logs ~30 operational lines per start, and more per connection, at INFO: demote them.
            systemConfig.getEventLogger().setMessageLogger(new DebugMessageLogger());
        }

        @Override
        public void errorOnStartup(RuntimeException e) {
            startupError = e;
        }

        int boundAmqpPort() {
            Broker<?> broker = (Broker<?>) systemConfig.getContainer();
            return broker.getPorts().stream()
                    .filter(AmqpPort.class::isInstance)
                    .mapToInt(p -> ((AmqpPort<?>) p).getBoundPort())
                    .findFirst()
                    .orElseThrow();
        }
    }

    /** Writes Qpid's operational messages to their usual {@code qpid.message.*} loggers, at DEBUG. */
    private static final class DebugMessageLogger implements MessageLogger {
        @Override
        public boolean isEnabled() {
            return true;
        }

        @Override
        public boolean isMessageEnabled(String logHierarchy) {
            return LoggerFactory.getLogger(logHierarchy).isDebugEnabled();
        }

        @Override
        public void message(LogMessage message) {
            LoggerFactory.getLogger(message.getLogHierarchy()).debug("{}", message);
        }

        @Override
        public void message(LogSubject subject, LogMessage message) {
            LoggerFactory.getLogger(message.getLogHierarchy()).debug("{}{}", subject.toLogString(), message);
        }
    }
}
