package dev.kurir.bootstrap;

import dev.kurir.embedded.broker.EmbeddedBroker;
import java.nio.file.Path;
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

    @Override
    public void close() {
        embedded.ifPresent(broker -> {
            broker.close();
            log.info("stopped the embedded AMQP broker");
        });
    }
}
