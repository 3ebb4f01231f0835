package dev.kurir.observability.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kurir.application.messaging.port.out.MessageBacklog;
import dev.kurir.application.messaging.port.out.MessageBacklog.Rows;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class MessageBacklogMetricsTest {
    private final PrometheusRegistry registry = new PrometheusRegistry();

    @Test
    void eachScrape_readsTheBacklogOfEachModule() {
        AtomicInteger reads = new AtomicInteger();
        MessageBacklogMetrics.register(registry, Map.of("orders", () -> {
            reads.incrementAndGet();
            return new MessageBacklog.Snapshot(new Rows(3, Duration.ofMillis(2500), 1), new Rows(0, Duration.ZERO, 2));
        }));

        Scraped scraped = new Scraped(registry);
        assertEquals(3, scraped.gauge("kurir_outbox_pending_rows", "module", "orders"));
        assertEquals(2.5, scraped.gauge("kurir_outbox_oldest_pending_age_seconds", "module", "orders"));
        assertEquals(1, scraped.gauge("kurir_outbox_failed_rows", "module", "orders"));
        assertEquals(0, scraped.gauge("kurir_inbox_pending_rows", "module", "orders"));
        assertEquals(0, scraped.gauge("kurir_inbox_oldest_pending_age_seconds", "module", "orders"));
        assertEquals(2, scraped.gauge("kurir_inbox_failed_rows", "module", "orders"));
        assertEquals(1, reads.get(), "one read per module and scrape, not one per gauge");
    }

    @Test
    void aScrape_whileTheDatabaseIsAway_succeedsWithoutTheBacklogSeries_andTriesNoFurtherModule() {
        AtomicInteger reads = new AtomicInteger();
        MessageBacklog away = () -> {
            reads.incrementAndGet();
            throw new IllegalStateException("Connection refused");
        };
        Map<String, MessageBacklog> backlogs = new LinkedHashMap<>();
        backlogs.put("orders", away);
        backlogs.put("items", away);
        MessageBacklogMetrics.register(registry, backlogs);
        RuntimeMetrics.register(registry);

        Scraped scraped = new Scraped(registry);
        assertTrue(scraped.point("kurir_outbox_pending_rows", "module", "orders").isEmpty());
        assertTrue(scraped.point("kurir_inbox_failed_rows", "module", "items").isEmpty());
        assertTrue(scraped.point("jvm_threads_current").isPresent(), "the rest of the scrape is there");
        assertEquals(1, reads.get());
    }
}
