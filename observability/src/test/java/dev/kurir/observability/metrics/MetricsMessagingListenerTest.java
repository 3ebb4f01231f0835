package dev.kurir.observability.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kurir.application.messaging.handler.Handled;
import dev.kurir.application.messaging.handler.InboxMessage;
import dev.kurir.application.messaging.port.in.IncomingDelivery;
import dev.kurir.application.messaging.port.out.OutboundMessage;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class MetricsMessagingListenerTest {
    private static final String TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    private static final String[] ORDER_CREATED = {"module", "orders", "event_type", "order.created"};
    private static final String[] STOCK_RESERVED = {"module", "orders", "event_type", "stock.reserved"};

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final MetricsMessagingListener listener = new MetricsMessagingListener(registry, 3);

    private static String[] reason(String[] labels, String reason) {
        return Stream.concat(Arrays.stream(labels), Stream.of("reason", reason)).toArray(String[]::new);
    }

    private static OutboundMessage outbound(String traceparent) {
        return new OutboundMessage(1, UUID.randomUUID(), "order.created", 1, "orders", "order.created", "{}", 0,
                Instant.now(), traceparent);
    }

    private static InboxMessage inbox(int retryCount, String traceparent) {
        return new InboxMessage(1, UUID.randomUUID(), "stock.reserved", 1, "item-service", Map.of(), retryCount,
                Instant.now(), traceparent);
    }

    @Test
    void expect_createsTheModulesSeriesAtZero() {
        listener.expect("orders", List.of("order.created"), List.of("stock.reserved", "stock.rejected"));

        Scraped scraped = new Scraped(registry);
        assertEquals(0, scraped.counter("kurir_outbox_published_total", ORDER_CREATED));
        assertEquals(0, scraped.counter("kurir_outbox_failed_total", ORDER_CREATED));
        assertEquals(0, scraped.counter("kurir_outbox_broker_unavailable_total", "module", "orders"));
        assertEquals(0, scraped.counter("kurir_outbox_unroutable_total", ORDER_CREATED));
        assertEquals(0, scraped.counter("kurir_inbox_database_unavailable_total", "module", "orders"));
        assertEquals(0, scraped.counter("kurir_inbox_processed_total", "module", "orders", "event_type", "stock.rejected"));
        assertEquals(0, scraped.histogram("kurir_outbox_delivery_lag_seconds", ORDER_CREATED).getCount());
    }

    @Test
    void unchanged_countsDuplicateFactsAndLateFactsApart() {
        listener.expect("orders", List.of("order.created"), List.of("stock.reserved"));
        listener.unchanged("orders", inbox(0, null), Handled.DUPLICATE);
        listener.unchanged("orders", inbox(0, null), Handled.DUPLICATE);
        listener.unchanged("orders", inbox(0, null), Handled.LATE);

        Scraped scraped = new Scraped(registry);
        assertEquals(2, scraped.counter("kurir_inbox_fact_duplicates_total", STOCK_RESERVED));
        assertEquals(1, scraped.counter("kurir_inbox_late_facts_total", STOCK_RESERVED));
    }

    @Test
    void published_countsAndObservesTheLag_withTheRowsTraceAsExemplar() {
        listener.published("orders", "w1", outbound(TRACEPARENT), Duration.ofMillis(1500));

        Scraped scraped = new Scraped(registry);
        assertEquals(1, scraped.counter("kurir_outbox_published_total", ORDER_CREATED));
        var lag = scraped.histogram("kurir_outbox_delivery_lag_seconds", ORDER_CREATED);
        assertEquals(1, lag.getCount());
        assertEquals(1.5, lag.getSum());
        assertEquals("0af7651916cd43dd8448eb211c80319c", lag.getExemplars().getLatest().getLabels().get("trace_id"));
        assertEquals("b7ad6b7169203331", lag.getExemplars().getLatest().getLabels().get("span_id"));
        double lastSuccess = scraped.gauge("kurir_relay_last_success_timestamp_seconds", "module", "orders");
        assertTrue(Math.abs(lastSuccess - System.currentTimeMillis() / 1000.0) < 60, "a Unix time: " + lastSuccess);
    }

    @Test
    void published_withoutTraceparent_observesWithoutExemplar() {
        listener.published("orders", "w1", outbound(null), Duration.ofMillis(20));

        var lag = new Scraped(registry).histogram("kurir_outbox_delivery_lag_seconds", ORDER_CREATED);
        assertEquals(1, lag.getCount());
        assertEquals(0, lag.getExemplars().size());
    }

    @Test
    void publishFailed_countsTheAttemptByReason_andARetryOrAFailedRow() {
        listener.publishFailed("orders", "w1", outbound(null), "rejected by the broker: NOT_FOUND (reply 404)", true);
        listener.publishFailed("orders", "w1", outbound(null), "nacked by the broker", false);
        listener.brokerUnavailable("orders", "w1", "connection refused");

        Scraped scraped = new Scraped(registry);
        assertEquals(1, scraped.counter("kurir_outbox_publish_failures_total", reason(ORDER_CREATED, "rejected")));
        assertEquals(1, scraped.counter("kurir_outbox_publish_failures_total", reason(ORDER_CREATED, "nacked")));
        assertEquals(1, scraped.counter("kurir_outbox_retries_total", ORDER_CREATED));
        assertEquals(1, scraped.counter("kurir_outbox_failed_total", ORDER_CREATED));
        assertEquals(1, scraped.counter("kurir_outbox_broker_unavailable_total", "module", "orders"));
    }

    @Test
    void publishUnroutable_countsTheReturn_butNoFailedAttempt() {
        listener.publishUnroutable("orders", "w1", outbound(null), "unroutable: no queue bound to exchange orders");

        Scraped scraped = new Scraped(registry);
        assertEquals(1, scraped.counter("kurir_outbox_unroutable_total", ORDER_CREATED));
        String exposition = new String(new MetricsScraper(registry).scrape(null).body(), StandardCharsets.UTF_8);
        assertFalse(exposition.contains("kurir_outbox_publish_failures_total{"), exposition);
        assertFalse(exposition.contains("kurir_outbox_retries_total{"), exposition);
    }

    @Test
    void received_countsEveryDelivery_andDuplicatesApart() {
        IncomingDelivery delivery = new IncomingDelivery(UUID.randomUUID(), "order.created", 1, "order-service",
                "orders", "order.created", "{}", null);
        listener.received("items", delivery, false);
        listener.received("items", delivery, true);

        Scraped scraped = new Scraped(registry);
        assertEquals(2, scraped.counter("kurir_inbox_received_total", "module", "items", "event_type", "order.created"));
        assertEquals(1, scraped.counter("kurir_inbox_duplicates_total", "module", "items", "event_type", "order.created"));
    }

    @Test
    void databaseUnavailable_isCountedByModule() {
        listener.databaseUnavailable("items", "items-inbox-1@x", "the database cannot be reached: timed out");

        assertEquals(1, new Scraped(registry).counter("kurir_inbox_database_unavailable_total", "module", "items"));
    }

    @Test
    void processed_countsAndTimes_withTheRowsTraceAsExemplar() {
        listener.processed("orders", "w1", inbox(0, TRACEPARENT), Duration.ofMillis(40));

        Scraped scraped = new Scraped(registry);
        assertEquals(1, scraped.counter("kurir_inbox_processed_total", STOCK_RESERVED));
        var duration = scraped.histogram("kurir_inbox_processing_duration_seconds", STOCK_RESERVED);
        assertEquals(0.04, duration.getSum(), 1e-9);
        assertEquals("0af7651916cd43dd8448eb211c80319c", duration.getExemplars().getLatest().getLabels().get("trace_id"));
    }

    @Test
    void processingFailed_countsRetries_andFailedRowsByReason() {
        listener.processingFailed("orders", "w1", inbox(0, null), "simulated PostgreSQL error", true);
        listener.processingFailed("orders", "w1", inbox(0, null), "no order o-1", false);
        listener.processingFailed("orders", "w1", inbox(3, null), "simulated PostgreSQL error", false);

        Scraped scraped = new Scraped(registry);
        assertEquals(1, scraped.counter("kurir_inbox_retries_total", STOCK_RESERVED));
        assertEquals(1, scraped.counter("kurir_inbox_failed_total", reason(STOCK_RESERVED, "invalid_message")));
        assertEquals(1, scraped.counter("kurir_inbox_failed_total", reason(STOCK_RESERVED, "error")));
    }

    @Test
    void labels_neverCarryIdsOrFreeText() {
        OutboundMessage message = outbound(TRACEPARENT);
        listener.publishFailed("orders", "orders-relay-1@4711-3f2a", message, "rejected by the broker: exchange orders, key x", true);
        listener.processingFailed("orders", "orders-inbox-1@4711-3f2a", inbox(0, null), "no order o-42", false);

        String exposition = new String(new MetricsScraper(registry).scrape(null).body(), StandardCharsets.UTF_8);
        for (String text : List.of(message.messageId().toString(), "4711", "o-42", "exchange orders")) {
            assertFalse(exposition.contains(text), text + " leaked into:\n" + exposition);
        }
    }
}
