package dev.kurir.observability.metrics;

import dev.kurir.application.messaging.MessagingListener;
import dev.kurir.application.messaging.handler.Handled;
import dev.kurir.application.messaging.handler.InboxMessage;
import dev.kurir.application.messaging.port.in.IncomingDelivery;
import dev.kurir.application.messaging.port.out.OutboundMessage;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.Collection;

/**
 * Counts what the outbox relay and the inbox do, by module and event type ({@code kurir_outbox_*},
 * {@code kurir_inbox_*}, {@code kurir_relay_*}). The delivery lag and the processing time carry an exemplar with
 * the trace stored in the row, so a slow message leads to its trace.
 */
public final class MetricsMessagingListener implements MessagingListener {
    // Lag spans a confirm in milliseconds up to a row that waited out its retries or a broker outage.
    private static final double[] LAG_BUCKETS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300,
            900, 3600};

    private final int maxRetries;
    private final Counter published;
    private final Counter publishFailures;
    private final Counter outboxRetries;
    private final Counter outboxFailed;
    private final Counter brokerUnavailable;
    private final Counter unroutable;
    private final Histogram deliveryLag;
    private final Gauge relayLastSuccess;
    private final Counter received;
    private final Counter duplicates;
    private final Counter processed;
    private final Counter factDuplicates;
    private final Counter lateFacts;
    private final Counter inboxFailed;
    private final Counter inboxRetries;
    private final Counter databaseUnavailable;
    private final Histogram processingDuration;

    /** @param maxRetries the retries the inbox allows after a failed attempt ({@code KURIR_MAX_RETRIES}) */
    public MetricsMessagingListener(PrometheusRegistry registry, int maxRetries) {
        this.maxRetries = maxRetries;
        published = counter(registry, "kurir_outbox_published_total",
                "Outbox messages the broker confirmed", "module", "event_type");
        publishFailures = counter(registry, "kurir_outbox_publish_failures_total",
                "Failed publish attempts, by reason (nacked, rejected, error)",
                "module", "event_type", "reason");
        outboxRetries = counter(registry, "kurir_outbox_retries_total",
                "Failed publish attempts that will be retried", "module", "event_type");
        outboxFailed = counter(registry, "kurir_outbox_failed_total",
                "Outbox rows given up on (FAILED) after their last retry", "module", "event_type");
        brokerUnavailable = counter(registry, "kurir_outbox_broker_unavailable_total",
                "Relay batches released untouched because the broker could not be reached", "module");
        unroutable = counter(registry, "kurir_outbox_unroutable_total",
                "Messages the broker returned for want of a queue bound to their routing key; each row waits and is"
                        + " published again, no retry used", "module", "event_type");
        deliveryLag = Histogram.builder()
                .name("kurir_outbox_delivery_lag_seconds")
                .help("Time from an outbox row's creation to the broker's confirm")
                .labelNames("module", "event_type")
                .classicUpperBounds(LAG_BUCKETS)
                .register(registry);
        relayLastSuccess = Gauge.builder()
                .name("kurir_relay_last_success_timestamp_seconds")
                .help("When the relay last had a message confirmed by the broker (Unix time)")
                .labelNames("module")
                .register(registry);
        received = counter(registry, "kurir_inbox_received_total",
                "Deliveries that reached the inbox, duplicates included", "module", "event_type");
        duplicates = counter(registry, "kurir_inbox_duplicates_total",
                "Deliveries dropped because their message id was already in the inbox", "module", "event_type");
        processed = counter(registry, "kurir_inbox_processed_total",
                "Inbox messages handled and marked PROCESSED", "module", "event_type");
        factDuplicates = counter(registry, "kurir_inbox_fact_duplicates_total",
                "Inbox messages whose business fact (an order's creation, cancellation or decision) had taken effect "
                        + "already under another message id: processed, nothing changed", "module", "event_type");
        lateFacts = counter(registry, "kurir_inbox_late_facts_total",
                "Inbox messages that arrived after their order had moved on (e.g. a decision for a cancelled "
                        + "order): processed, nothing changed", "module", "event_type");
        inboxFailed = counter(registry, "kurir_inbox_failed_total",
                "Inbox rows given up on (FAILED), by reason (invalid_message, error)",
                "module", "event_type", "reason");
        inboxRetries = counter(registry, "kurir_inbox_retries_total",
                "Failed processing attempts that will be retried", "module", "event_type");
        databaseUnavailable = counter(registry, "kurir_inbox_database_unavailable_total",
                "Inbox messages left for a later try, no attempt counted, because the database could not answer",
                "module");
        processingDuration = Histogram.builder()
                .name("kurir_inbox_processing_duration_seconds")
                .help("Time to handle an inbox message and mark it PROCESSED")
                .labelNames("module", "event_type")
                .register(registry);
    }

    private static Counter counter(PrometheusRegistry registry, String name, String help, String... labels) {
        return Counter.builder().name(name).help(help).labelNames(labels).register(registry);
    }

    /**
     * Creates the series a module will use, at zero, so that {@code rate()} and {@code increase()} see the first
     * message too. Failures by reason appear with their first occurrence.
     *
     * @param publishes the event types the module's outbox publishes
     * @param consumes  the event types the module's inbox handles
     */
    public void expect(String module, Collection<String> publishes, Collection<String> consumes) {
        brokerUnavailable.labelValues(module);
        databaseUnavailable.labelValues(module);
        for (String eventType : publishes) {
            published.labelValues(module, eventType);
            outboxRetries.labelValues(module, eventType);
            outboxFailed.labelValues(module, eventType);
            unroutable.labelValues(module, eventType);
            deliveryLag.labelValues(module, eventType);
        }
        for (String eventType : consumes) {
            received.labelValues(module, eventType);
            duplicates.labelValues(module, eventType);
            processed.labelValues(module, eventType);
            factDuplicates.labelValues(module, eventType);
            lateFacts.labelValues(module, eventType);
            inboxRetries.labelValues(module, eventType);
            processingDuration.labelValues(module, eventType);
        }
    }

    @Override
    public void published(String module, String workerId, OutboundMessage message, Duration lag) {
        published.labelValues(module, message.eventType()).inc();
        TraceExemplars.observe(deliveryLag.labelValues(module, message.eventType()), seconds(lag),
                message.traceparent());
        relayLastSuccess.labelValues(module).set(System.currentTimeMillis() / 1000.0);
    }

    @Override
    public void publishFailed(String module, String workerId, OutboundMessage message, String reason,
                              boolean willRetry) {
        publishFailures.labelValues(module, message.eventType(), FailureReasons.ofPublish(reason)).inc();
        (willRetry ? outboxRetries : outboxFailed).labelValues(module, message.eventType()).inc();
    }

    @Override
    public void publishUnroutable(String module, String workerId, OutboundMessage message, String reason) {
        unroutable.labelValues(module, message.eventType()).inc();
    }

    @Override
    public void brokerUnavailable(String module, String workerId, String reason) {
        brokerUnavailable.labelValues(module).inc();
    }

    @Override
    public void databaseUnavailable(String module, String workerId, String reason) {
        databaseUnavailable.labelValues(module).inc();
    }

    @Override
    public void received(String module, IncomingDelivery delivery, boolean duplicate) {
        received.labelValues(module, delivery.eventType()).inc();
        if (duplicate) {
            duplicates.labelValues(module, delivery.eventType()).inc();
        }
    }

    @Override
    public void processed(String module, String workerId, InboxMessage message, Duration took) {
        processed.labelValues(module, message.eventType()).inc();
        TraceExemplars.observe(processingDuration.labelValues(module, message.eventType()), seconds(took),
                message.traceparent());
    }

    @Override
    public void unchanged(String module, InboxMessage message, Handled outcome) {
        (outcome == Handled.DUPLICATE ? factDuplicates : lateFacts).labelValues(module, message.eventType()).inc();
    }

    @Override
    public void processingFailed(String module, String workerId, InboxMessage message, String reason,
                                 boolean willRetry) {
        if (willRetry) {
            inboxRetries.labelValues(module, message.eventType()).inc();
        } else {
            inboxFailed.labelValues(module, message.eventType(),
                    FailureReasons.ofGivenUpMessage(message.retryCount(), maxRetries)).inc();
        }
    }

    private static double seconds(Duration duration) {
        return duration.toNanos() / 1e9;
    }
}
