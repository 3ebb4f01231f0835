/**
 * RabbitMQ adapters: the topology both modules rely on, the publisher the outbox relay uses and the consumer that
 * feeds a module's inbox.
 */
module dev.kurir.adapters.rabbitmq {
    requires dev.kurir.application;
    requires com.rabbitmq.client;
    requires com.fasterxml.jackson.databind;
    requires org.slf4j;

    exports dev.kurir.adapters.rabbitmq;
}
