package dev.kurir.adapters.http;

import dev.kurir.application.monitoring.MetricsExposition;
import io.javalin.config.RoutesConfig;

/**
 * {@code GET /metrics}: the Prometheus scrape, in the format the scraper's {@code Accept} header asks for
 * (OpenMetrics with exemplars, or the Prometheus text format).
 */
public final class MetricsRoutes implements RouteGroup {
    private final MetricsExposition scraper;

    public MetricsRoutes(MetricsExposition scraper) {
        this.scraper = scraper;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/metrics", ctx -> {
            MetricsExposition.Scrape scrape = scraper.scrape(ctx.header("Accept"));
            ctx.contentType(scrape.contentType()).result(scrape.body());
        });
    }
}
