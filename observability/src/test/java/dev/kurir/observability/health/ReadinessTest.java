package dev.kurir.observability.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kurir.application.monitoring.HealthReport;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class ReadinessTest {

    @Test
    void check_namesTheFailingDependency_andRecovers() {
        AtomicBoolean databaseUp = new AtomicBoolean(false);
        Readiness readiness = new Readiness(List.of(
                new HealthCheck("postgresql", () -> {
                    if (!databaseUp.get()) {
                        throw new IllegalStateException("Connection refused");
                    }
                }),
                new HealthCheck("other", () -> { })));

        HealthReport down = readiness.check();
        assertFalse(down.ready());
        assertEquals(new HealthReport.Result("postgresql", false, "Connection refused"), down.checks().get(0));
        assertTrue(down.checks().get(1).up());

        databaseUp.set(true);
        assertTrue(readiness.check().ready());
    }
}
