package dev.kurir.adapters.rabbitmq;

/** The kind of queue kurir declares for its inbox queues and its dead-letter queue on RabbitMQ. */
public enum QueueType {
    /** A single-node queue: lost with its node. What kurir declared before quorum queues were the default. */
    CLASSIC,
    /** A replicated queue (Raft): durable across node failures; the type RabbitMQ recommends for durable queues. */
    QUORUM
}
