package dev.kurir.observability.logging;

import dev.kurir.application.messaging.MessagingListener;
import dev.kurir.application.messaging.handler.Handled;
import dev.kurir.application.messaging.handler.InboxMessage;
import dev.kurir.application.messaging.port.in.IncomingDelivery;
import dev.kurir.application.messaging.port.out.OutboundMessage;
import java.time.Duration;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs the relay's and the inbox's work as structured lines: the seed's fields ({@code worker_id},
 * {@code message_id}, {@code event_type}, {@code batch_size}, {@code max_retries}, {@code interval}) are
 * key-value pairs, so the JSON layout puts them at the top level where Loki can filter on them.
 */
public final class LoggingMessagingListener implements MessagingListener {
    private static final Logger relay = LoggerFactory.getLogger("dev.kurir.relay");
    private static final Logger inbox = LoggerFactory.getLogger("dev.kurir.inbox");
    private static final Logger retention = LoggerFactory.getLogger("dev.kurir.retention");

    @Override
    public void workerStarted(String module, String workerId, String role, int batchSize, int maxRetries,
                              Duration interval) {
        ("relay".equals(role) ? relay : inbox).atInfo()
                .addKeyValue("module", module)
                .addKeyValue("worker_id", workerId)
                .addKeyValue("batch_size", batchSize)
                .addKeyValue("max_retries", maxRetries)
                .addKeyValue("interval", interval.toString())
                .log("{} worker {} started", role, workerId);
    }

    @Override
    public void published(String module, String workerId, OutboundMessage message, Duration lag) {
        relay.atInfo()
                .addKeyValue("module", module)
                .addKeyValue("worker_id", workerId)
                .addKeyValue("message_id", message.messageId())
                .addKeyValue("event_type", message.eventType())
                .addKeyValue("lag_ms", lag.toMillis())
                .log("published {} to {}/{}", message.eventType(), message.exchange(), message.routingKey());
    }

    @Override
    public void publishFailed(String module, String workerId, OutboundMessage message, String reason,
                              boolean willRetry) {
        (willRetry ? relay.atWarn() : relay.atError())
                .addKeyValue("module", module)
                .addKeyValue("worker_id", workerId)
                .addKeyValue("message_id", message.messageId())
                .addKeyValue("event_type", message.eventType())
                .addKeyValue("retry_count", message.retryCount())
                .addKeyValue("reason", reason)
                .log(willRetry ? "publish failed, will retry: {}" : "publish failed, message is now FAILED: {}", reason);
    }

    @Override
    public void publishUnroutable(String module, String workerId, OutboundMessage message, String reason) {
        relay.atWarn()
                .addKeyValue("module", module)
                .addKeyValue("worker_id", workerId)
                .addKeyValue("message_id", message.messageId())
                .addKeyValue("event_type", message.eventType())
                .addKeyValue("retry_count", message.retryCount())
                .addKeyValue("reason", reason)
                .log("publish returned as unroutable, will try again, no retry used: {}", reason);
    }

    @Override
    public void brokerUnavailable(String module, String workerId, String reason) {
        relay.atWarn()
                .addKeyValue("module", module)
                .addKeyValue("worker_id", workerId)
                .addKeyValue("reason", reason)
                .log("broker unavailable, rows released untouched: {}", reason);
    }

    @Override
    public void databaseUnavailable(String module, String workerId, String reason) {
        inbox.atWarn()
                .addKeyValue("module", module)
                .addKeyValue("worker_id", workerId)
                .addKeyValue("reason", reason)
                .log("database unavailable, no attempt counted; the message is tried again later: {}", reason);
    }

    @Override
    public void workerFailed(String module, String workerId, RuntimeException error) {
        relay.atWarn()
                .addKeyValue("module", module)
                .addKeyValue("worker_id", workerId)
                .setCause(error)
                .log("worker round failed, retrying after a pause: {}", error.getMessage());
    }

    @Override
    public void received(String module, IncomingDelivery delivery, boolean duplicate) {
        if (duplicate) {
            inbox.atInfo()
                    .addKeyValue("module", module)
                    .addKeyValue("message_id", delivery.messageId())
                    .addKeyValue("event_type", delivery.eventType())
                    .addKeyValue("sender_id", delivery.senderId())
                    .log("duplicate delivery ignored");
        }
    }

    @Override
    public void processed(String module, String workerId, InboxMessage message, Duration took) {
        inbox.atInfo()
                .addKeyValue("module", module)
                .addKeyValue("worker_id", workerId)
                .addKeyValue("message_id", message.messageId())
                .addKeyValue("event_type", message.eventType())
                .addKeyValue("duration_ms", took.toMillis())
                .log("processed {}", message.eventType());
    }

    @Override
    public void unchanged(String module, InboxMessage message, Handled outcome) {
        inbox.atInfo()
                .addKeyValue("module", module)
                .addKeyValue("message_id", message.messageId())
                .addKeyValue("event_type", message.eventType())
                .addKeyValue("order_id", message.payload().get("order_id"))
                .addKeyValue("outcome", outcome.name().toLowerCase(Locale.ROOT))
                .log(outcome == Handled.DUPLICATE
                        ? "{} for this order took effect before under another message id; nothing changed"
                        : "{} arrived after its order moved on; nothing changed", message.eventType());
    }

    @Override
    public void processingFailed(String module, String workerId, InboxMessage message, String reason,
                                 boolean willRetry) {
        (willRetry ? inbox.atWarn() : inbox.atError())
                .addKeyValue("module", module)
                .addKeyValue("worker_id", workerId)
                .addKeyValue("message_id", message.messageId())
                .addKeyValue("event_type", message.eventType())
                .addKeyValue("retry_count", message.retryCount())
                .addKeyValue("reason", reason)
                .log(willRetry ? "processing failed, will retry: {}" : "processing failed, message is now FAILED: {}",
                        reason);
    }

    @Override
    public void retentionPurged(String module, int rows) {
        retention.atInfo()
                .addKeyValue("module", module)
                .addKeyValue("rows", rows)
                .log("retention deleted {} settled rows", rows);
    }

    @Override
    public void retentionFailed(String module, RuntimeException error) {
        retention.atWarn()
                .addKeyValue("module", module)
                .setCause(error)
                .log("retention run failed, the next run tries again: {}", error.getMessage());
    }
}
