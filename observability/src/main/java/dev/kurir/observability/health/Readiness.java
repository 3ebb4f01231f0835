package dev.kurir.observability.health;

import dev.kurir.application.monitoring.HealthReport;
import dev.kurir.application.monitoring.ReadinessProbe;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the readiness checks and logs each change of state, not each probe: the first probe that passes logs that
 * the service is ready, a failing one why it is not.
 */
public final class Readiness implements ReadinessProbe {
    private static final Logger log = LoggerFactory.getLogger(Readiness.class);

    private final List<HealthCheck> checks;
    private volatile boolean lastReady;

    public Readiness(List<HealthCheck> checks) {
        this.checks = List.copyOf(checks);
    }

    @Override
    public HealthReport check() {
        HealthReport report = new HealthReport(checks.stream().map(Readiness::run).toList());
        boolean ready = report.ready();
        if (ready != lastReady) {
            lastReady = ready;
            if (ready) {
                log.info("ready: every check passes");
            } else {
                log.warn("not ready: {}", report.checks().stream().filter(r -> !r.up())
                        .map(r -> r.name() + " (" + r.detail() + ")").toList());
            }
        }
        return report;
    }

    private static HealthReport.Result run(HealthCheck check) {
        try {
            check.probe().check();
            return new HealthReport.Result(check.name(), true, null);
        } catch (Exception e) {
            String detail = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            return new HealthReport.Result(check.name(), false, detail);
        }
    }
}
