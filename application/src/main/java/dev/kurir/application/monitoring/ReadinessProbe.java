package dev.kurir.application.monitoring;

/** Whether the service can do its work now: what a load balancer or an orchestrator asks before sending requests. */
public interface ReadinessProbe {

    /** Runs every readiness check now; never throws (a check that throws is down). */
    HealthReport check();
}
