/**
 * AMQP 0-9-1 adapters of the messaging ports, written with the RabbitMQ Java client. They also work against the
 * embedded Qpid broker, whose differences from RabbitMQ they absorb: a returned message is a failure whatever the
 * confirm says, and invalid deliveries are dead-lettered by the consumer itself rather than through queue
 * arguments. Both the publisher and the consumer reconnect on their own; neither relies on the client's automatic
 * recovery.
 */
package dev.kurir.adapters.rabbitmq;
