package dev.kurir.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kurir.testing.Prerequisite;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The seed's Table 3.2 against a real Prometheus: it scrapes the running kurir as job {@code api} every second,
 * and its HTTP API shows kurir's series, selects them by job, holds a sample per second, and sees a counter move.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PrometheusScrapeIT {
    private static final Duration SOON = Duration.ofSeconds(30);

    private RunningKurir running;
    private PrometheusServer prometheus;

    @BeforeAll
    void start() {
        if (PrometheusServer.binary().isEmpty()) {
            return; // each test says so (requirePrometheus): a skip in @BeforeAll would show as no test at all
        }
        running = RunningKurir.start(Map.of());
        prometheus = PrometheusServer.start(running.managementPort());
        Eventually.await("the first scrape of job api", SOON,
                () -> prometheus.scalar("up{job=\"api\"}").orElse(0.0) == 1.0, prometheus::log);
    }

    @BeforeEach
    void requirePrometheus() {
        Prerequisite.require(prometheus != null, "PrometheusScrapeIT", "the prometheus binary on the PATH "
                + "(apt-get install --no-install-recommends prometheus; .ci/run does so)");
    }

    @AfterAll
    void stop() {
        if (prometheus != null) {
            prometheus.close();
        }
        if (running != null) {
            running.close();
        }
    }

    private static Set<String> labelValues(JsonNode series, String label) {
        Set<String> values = new TreeSet<>();
        series.forEach(s -> values.add(s.path(label).asText(s.path("metric").path(label).asText())));
        return values;
    }

    @Test
    void kurirsSeries_areStored_underJobApi() {
        JsonNode series = prometheus.series("{__name__=~\"kurir_.+\"}");
        Set<String> names = labelValues(series, "__name__");
        for (String name : List.of("kurir_outbox_published_total", "kurir_inbox_processed_total",
                "kurir_outbox_pending_rows", "kurir_outbox_oldest_pending_age_seconds",
                "kurir_outbox_delivery_lag_seconds_bucket", "kurir_db_pool_active_connections")) {
            assertTrue(names.contains(name), name + " in " + names);
        }
        assertEquals(Set.of("api"), labelValues(series, "job"));
        assertFalse(prometheus.series("jvm_memory_used_bytes{job=\"api\"}").isEmpty());
    }

    @Test
    void theJobLabel_selectsOnlyThatJobsSeries() {
        assertEquals(Set.of("api", "prometheus"), labelValues(prometheus.query("up"), "job"));

        JsonNode api = prometheus.query("up{job=\"api\"}");
        assertEquals(1, api.size(), api.toString());
        assertEquals("127.0.0.1:" + running.managementPort(), api.get(0).get("metric").get("instance").asText());
        assertEquals(Set.of("api"), labelValues(prometheus.series("{job=\"api\"}"), "job"));
        assertTrue(prometheus.series("{job=\"prometheus\",__name__=~\"kurir_.+\"}").isEmpty());
    }

    @Test
    void samples_arriveAtTheConfiguredInterval() {
        Eventually.await("ten seconds of samples", SOON,
                () -> prometheus.scalar("count_over_time(up{job=\"api\"}[10s])").orElse(0.0) >= 9, prometheus::log);

        JsonNode range = prometheus.query("up{job=\"api\"}[10s]").get(0).get("values");
        List<Double> gaps = new ArrayList<>();
        for (int i = 1; i < range.size(); i++) {
            gaps.add(range.get(i).get(0).asDouble() - range.get(i - 1).get(0).asDouble());
        }
        assertTrue(gaps.size() >= 8, "samples in 10 s: " + range);
        assertTrue(gaps.stream().allMatch(gap -> gap > 0.5 && gap < 1.5), "scrape_interval 1s, gaps: " + gaps);
    }

    @Test
    void aCounter_moves_afterOrdersArePlaced() {
        String published = "sum(kurir_outbox_published_total{job=\"api\",module=\"orders\"})";
        String posted = "sum(kurir_http_server_request_duration_seconds_count{job=\"api\",route=\"/api/orders\","
                + "method=\"POST\",status=\"201\"})";
        double before = prometheus.scalar(published).orElseThrow();

        HttpClientSupport api = running.api();
        String sku = "ITEM-" + UUID.randomUUID().toString().substring(0, 8);
        assertEquals(201, api.postJson("/api/items",
                "{\"sku\":\"" + sku + "\",\"name\":\"Widget\",\"price\":\"1.00\",\"stock\":10}").statusCode());
        for (int i = 0; i < 3; i++) {
            assertEquals(201, api.postJson("/api/orders",
                    "{\"customerId\":\"c\",\"items\":[{\"sku\":\"" + sku + "\",\"quantity\":1}]}").statusCode());
        }

        Eventually.await("Prometheus sees three more published orders", SOON,
                () -> prometheus.scalar(published).orElse(0.0) >= before + 3,
                () -> String.valueOf(prometheus.scalar(published)));
        Eventually.await("and three more POST /api/orders answered 201", SOON,
                () -> prometheus.scalar(posted).orElse(0.0) >= 3);
    }
}
