package dev.kurir.bootstrap;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import dev.kurir.adapters.rabbitmq.RabbitConnections;
import dev.kurir.embedded.broker.EmbeddedBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The AMQP broker kurir talks to: the configured RabbitMQ, or an embedded one when none is configured. */
final class Broker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Broker.class);

    private final String uri;
    private final Optional<EmbeddedBroker> embedded;

    private Broker(String uri, Optional<EmbeddedBroker> embedded) {
        this.uri = uri;
        this.embedded = embedded;
    }

    static Broker open(KurirConfig config) {
        if (config.amqpUri().isPresent()) {
            return new Broker(config.amqpUri().get(), Optional.empty());
        }
        Path workDir = config.dataDir().resolve("broker").toAbsolutePath();
        try {
            EmbeddedBroker broker = EmbeddedBroker.start(workDir, 0);
            log.info("started an embedded AMQP broker (Apache Qpid, in memory) on 127.0.0.1:{}; messages not yet "
                    + "consumed are lost when kurir stops (set KURIR_AMQP_URI to use RabbitMQ)", broker.port());
            return new Broker(broker.amqpUri(), Optional.of(broker));
        } catch (Exception e) {
            throw new IllegalStateException("could not start the embedded AMQP broker: " + e.getMessage(), e);
        }
    }

    String uri() {
        return uri;
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
