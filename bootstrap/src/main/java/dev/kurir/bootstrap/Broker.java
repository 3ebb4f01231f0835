package dev.kurir.bootstrap;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import dev.kurir.adapters.rabbitmq.QueueMismatchException;
import dev.kurir.adapters.rabbitmq.RabbitConnections;
import dev.kurir.adapters.rabbitmq.RabbitTopology;
import dev.kurir.embedded.broker.EmbeddedBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The AMQP broker kurir talks to: the configured RabbitMQ, or an embedded one when none is configured. */
final class Broker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Broker.class);

    private final String uri;
    private final Optional<EmbeddedBroker> embedded;
    private final RabbitTopology topology;

    private Broker(String uri, Optional<EmbeddedBroker> embedded, RabbitTopology topology) {
        this.uri = uri;
        this.embedded = embedded;
        this.topology = topology;
    }

    /**
     * The configured RabbitMQ, on which the topology is declared once now so that queues of the other type stop the
     * start; or an embedded broker.
     *
     * @throws ConfigException if a queue exists with other arguments than {@code KURIR_AMQP_QUEUE_TYPE} asks for
     */
    static Broker open(KurirConfig config) {
        RabbitTopology topology = RabbitTopology.of(config.modules(), KurirModules.ALL, config.amqpQueueType());
        if (config.amqpUri().isPresent()) {
            Broker broker = new Broker(config.amqpUri().get(), Optional.empty(), topology);
            broker.declareTopology(config);
            return broker;
        }
        Path workDir = config.dataDir().resolve("broker").toAbsolutePath();
        try {
            EmbeddedBroker broker = EmbeddedBroker.start(workDir, 0);
            log.info("started an embedded AMQP broker (Apache Qpid, in memory) on 127.0.0.1:{}; messages not yet "
                    + "consumed are lost when kurir stops, and its queues are its own whatever KURIR_AMQP_QUEUE_TYPE "
                    + "says (set KURIR_AMQP_URI to use RabbitMQ)", broker.port());
            return new Broker(broker.amqpUri(), Optional.of(broker), topology);
        } catch (Exception e) {
            throw new IllegalStateException("could not start the embedded AMQP broker: " + e.getMessage(), e);
        }
    }

    /**
     * A broker that cannot be reached now is not a reason to stop: the outbox keeps the events, and the relays and
     * consumers declare the topology when they connect. A queue of the other type is: it would refuse every
     * declaration until someone changes the configuration or the queue.
     */
    private void declareTopology(KurirConfig config) {
        try (Connection connection = RabbitConnections.factory(uri, "kurir-topology").newConnection()) {
            topology.declare(connection);
        } catch (QueueMismatchException e) {
            throw new ConfigException("KURIR_AMQP_QUEUE_TYPE", "is " + config.amqpQueueType().name()
                    .toLowerCase(Locale.ROOT) + ", but " + e.getMessage() + ": set KURIR_AMQP_QUEUE_TYPE to the type "
                    + "the existing queues have, or move their messages to queues of the new type "
                    + "(docs/messaging.md, \"Queue types\")");
        } catch (Exception e) {
            log.atWarn().addKeyValue("reason", e.getMessage())
                    .log("could not declare the topology at start-up; the relays and consumers will when they connect");
        }
    }

    String uri() {
        return uri;
    }

    /** What this process declares on the broker whenever it connects. */
    RabbitTopology topology() {
        return topology;
    }

    /**
     * With the embedded broker, waits until the consumers have taken every queued message: it keeps them in memory
     * only, so what is still queued when it stops is lost. RabbitMQ keeps them, so there is nothing to wait for.
     */
    void awaitDrained(List<String> queues, Duration timeout) {
        if (embedded.isEmpty()) {
            return;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Connection connection = RabbitConnections.factory(uri, "kurir-drain").newConnection();
             Channel channel = connection.createChannel()) {
            while (true) {
                long queued = 0;
                for (String queue : queues) {
                    queued += channel.messageCount(queue);
                }
                if (queued == 0) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    log.warn("{} messages still queued in the embedded broker after {}; they are lost", queued, timeout);
                    return;
                }
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.warn("could not check the embedded broker's queues before stopping it: {}", e.getMessage());
        }
    }

    @Override
    public void close() {
        embedded.ifPresent(broker -> {
            broker.close();
            log.info("stopped the embedded AMQP broker");
        });
    }
}
