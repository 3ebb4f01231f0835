package dev.kurir.bootstrap;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One replica of a kurir service, run from the shipped jar: fixed ports (a restart answers where the load is sent),
 * and RabbitMQ reached through a {@link TcpProxy} of its own, so that it alone can lose the broker. Each process it
 * runs leaves its log in {@code logDir} as {@code <name>-<n>.log}, n counting its starts from 0.
 */
final class Replica implements AutoCloseable {
    final String name;
    private final Map<String, String> env;
    private final TcpProxy brokerLink;
    private final Path logDir;
    private KurirProcess process;
    private int starts;

    /** @param env the service's configuration; ports and {@code KURIR_AMQP_URI} are set here */
    Replica(String name, Map<String, String> env, String amqpUri, Path logDir) throws IOException {
        this.name = name;
        this.logDir = Files.createDirectories(logDir);
        URI broker = URI.create(amqpUri);
        this.brokerLink = TcpProxy.to(List.of(broker.getPort() < 0 ? 5672 : broker.getPort()));
        this.env = new HashMap<>(env);
        this.env.put("KURIR_AMQP_URI", broker.getScheme() + "://" + broker.getRawUserInfo() + "@127.0.0.1:"
                + brokerLink.port() + broker.getRawPath());
        this.env.putIfAbsent("KURIR_HTTP_PORT", Integer.toString(freePort()));
        this.env.put("KURIR_MANAGEMENT_PORT", Integer.toString(freePort()));
        this.env.put("KURIR_DATA_DIR", Files.createTempDirectory("kurir-" + name).toString());
    }

    int apiPort() {
        return Integer.parseInt(env.get("KURIR_HTTP_PORT"));
    }

    /** Starts a process without waiting for it: replicas started in a row start at (nearly) the same moment. */
    Instant start() {
        if (process != null) {
            throw new IllegalStateException(name + " is running");
        }
        process = KurirProcess.start(env);
        return Instant.now();
    }

    Replica awaitReady(Duration timeout) {
        process.awaitReady(timeout);
        return this;
    }

    /** What the running process wrote so far. */
    String output() {
        return process.output();
    }

    /** SIGKILL; returns when the process is gone. */
    void kill() {
        process.kill();
        stopped();
    }

    /** SIGTERM; returns the exit status once the process has stopped. */
    int terminate(Duration timeout) {
        int status = process.terminate(timeout);
        stopped();
        return status;
    }

    /** This replica loses RabbitMQ alone: its connections are closed, and new ones refused, for {@code duration}. */
    void cutBroker(Duration duration) throws InterruptedException {
        brokerLink.cut(duration);
    }

    private void stopped() {
        try {
            Files.writeString(logDir.resolve(name + "-" + starts + ".log"), process.output());
        } catch (IOException e) {
            System.err.println("could not keep the log of " + name + ": " + e);
        } finally {
            process.close();
            process = null;
            starts++;
        }
    }

    @Override
    public void close() {
        if (process != null) {
            process.kill();
            stopped();
        }
        brokerLink.close();
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
