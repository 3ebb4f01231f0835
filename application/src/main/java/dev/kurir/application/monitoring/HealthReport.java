package dev.kurir.application.monitoring;

import java.util.List;

/** The outcome of every readiness check; ready only when all are up. */
public record HealthReport(List<Result> checks) {

    public HealthReport {
        checks = List.copyOf(checks);
    }

    public boolean ready() {
        return checks.stream().allMatch(Result::up);
    }

    /** @param detail why the check failed, or null when it is up; for the log only, never for an answer */
    public record Result(String name, boolean up, String detail) {
    }
}
