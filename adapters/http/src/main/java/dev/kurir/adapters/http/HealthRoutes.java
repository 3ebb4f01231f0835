package dev.kurir.adapters.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kurir.application.monitoring.HealthReport;
import dev.kurir.application.monitoring.ReadinessProbe;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

/**
 * {@code /health/live} (the process answers) and {@code /health/ready} (its dependencies answer too). Readiness
 * answers each check's name and {@code UP} or {@code DOWN}, never why: the reason, which may name users, hosts or
 * databases, is only logged.
 */
public final class HealthRoutes implements RouteGroup {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final ReadinessProbe readiness;

    public HealthRoutes(ReadinessProbe readiness) {
        this.readiness = readiness;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/health/live", ctx -> Representations.send(ctx, 200, JSON.createObjectNode().put("status", "UP")));
        routes.get("/health/ready", this::ready);
    }

    private void ready(Context ctx) {
        HealthReport report = readiness.check();
        ObjectNode body = JSON.createObjectNode().put("status", report.ready() ? "UP" : "DOWN");
        ArrayNode checks = body.putArray("checks");
        report.checks().forEach(check -> checks.addObject()
                .put("name", check.name())
                .put("status", check.up() ? "UP" : "DOWN"));
        Representations.send(ctx, report.ready() ? 200 : 503, body);
    }
}
