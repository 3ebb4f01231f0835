package dev.kurir.application.messaging;

import dev.kurir.application.messaging.handler.Handled;
import dev.kurir.application.messaging.handler.InboxMessage;
import dev.kurir.application.messaging.port.in.IncomingDelivery;
import dev.kurir.application.messaging.port.out.OutboundMessage;
import java.time.Duration;
import java.util.List;

/** Tells several listeners, e.g. the log and the metrics. Every method must forward, or a listener goes deaf. */
final class CompositeMessagingListener implements MessagingListener {
    private final List<MessagingListener> listeners;

    CompositeMessagingListener(List<MessagingListener> listeners) {
        this.listeners = List.copyOf(listeners);
    }

    @Override
    public void workerStarted(String module, String workerId, String role, int batchSize, int maxRetries,
                              Duration interval) {
        listeners.forEach(l -> l.workerStarted(module, workerId, role, batchSize, maxRetries, interval));
    }

    @Override
    public void published(String module, String workerId, OutboundMessage message, Duration lag) {
        listeners.forEach(l -> l.published(module, workerId, message, lag));
    }

    @Override
    public void publishFailed(String module, String workerId, OutboundMessage message, String reason,
                              boolean willRetry) {
        listeners.forEach(l -> l.publishFailed(module, workerId, message, reason, willRetry));
    }

    @Override
    public void publishUnroutable(String module, String workerId, OutboundMessage message, String reason) {
        listeners.forEach(l -> l.publishUnroutable(module, workerId, message, reason));
    }

    @Override
    public void brokerUnavailable(String module, String workerId, String reason) {
        listeners.forEach(l -> l.brokerUnavailable(module, workerId, reason));
    }

    @Override
    public void databaseUnavailable(String module, String workerId, String reason) {
        listeners.forEach(l -> l.databaseUnavailable(module, workerId, reason));
    }

    @Override
    public void workerFailed(String module, String workerId, RuntimeException error) {
        listeners.forEach(l -> l.workerFailed(module, workerId, error));
    }

    @Override
    public void received(String module, IncomingDelivery delivery, boolean duplicate) {
        listeners.forEach(l -> l.received(module, delivery, duplicate));
    }

    @Override
    public void processed(String module, String workerId, InboxMessage message, Duration took) {
        listeners.forEach(l -> l.processed(module, workerId, message, took));
    }

    @Override
    public void unchanged(String module, InboxMessage message, Handled outcome) {
        listeners.forEach(l -> l.unchanged(module, message, outcome));
    }

    @Override
    public void processingFailed(String module, String workerId, InboxMessage message, String reason,
                                 boolean willRetry) {
        listeners.forEach(l -> l.processingFailed(module, workerId, message, reason, willRetry));
    }

    @Override
    public void retentionPurged(String module, int rows) {
        listeners.forEach(l -> l.retentionPurged(module, rows));
    }

    @Override
    public void retentionFailed(String module, RuntimeException error) {
        listeners.forEach(l -> l.retentionFailed(module, error));
    }
}
