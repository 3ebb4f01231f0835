package dev.kurir.bootstrap;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * {@code compose/validate.sh} in the test suite, on the jar this build just packaged: the compose stack's
 * Prometheus configuration, alert rules and their unit tests, Alertmanager configuration, compose file and
 * Dockerfile, the Grafana dashboards and datasources, and every dashboard expression run against a real
 * Prometheus scraping a real kurir (and RabbitMQ's metrics) after a load that includes failures made on purpose.
 * No Docker engine is needed.
 */
class ComposeValidationIT {

    @Test
    void composeStack_validatesAgainstTheRealServiceAndPrometheus() throws Exception {
        ValidationScript.mustPass("compose/validate.sh", Duration.ofMinutes(5));
    }
}
