package dev.kurir.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kurir.adapters.http.RouteGroup;
import dev.kurir.application.messaging.MessagingTracing;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The warm-up against routes that stand in for the API: when it stops, and what it runs. */
class WarmUpTest {
    private final AtomicInteger asked = new AtomicInteger();

    @Test
    void stopsAtTheFirstServerError_ratherThanRunningItsBudget() {
        RouteGroup failing = routes -> routes.get("/api/orders/{orderId}", ctx -> {
            asked.incrementAndGet();
            ctx.status(500);
        });

        WarmUp.Result result = WarmUp.run(Duration.ofSeconds(60), List.of(failing), 2, Set.of("orders"),
                Optional.empty(), MessagingTracing.NONE);

        assertTrue(result.stoppedBy().orElseThrow().endsWith("answered 500"), result.toString());
        assertTrue(asked.get() <= 2, "asked " + asked.get() + " times");
    }

    @Test
    void runsTheRolledBackWork_andAsksUntilItsBudgetIsSpent() {
        RouteGroup orders = routes -> routes.get("/api/orders/{orderId}", ctx -> ctx.status(404));
        AtomicInteger rolledBack = new AtomicInteger();

        WarmUp.Result result = WarmUp.run(Duration.ofSeconds(3), List.of(orders), 2, Set.of("orders"),
                Optional.of(rolledBack::incrementAndGet), MessagingTracing.NONE);

        assertEquals(Optional.empty(), result.stoppedBy());
        assertTrue(result.requests() > 0, result.toString());
        assertTrue(rolledBack.get() > 0, "rolled-back work ran " + rolledBack.get() + " times");
    }

    @Test
    void noBudget_noWarmUp() {
        assertEquals(new WarmUp.Result(0, Optional.empty()), WarmUp.run(Duration.ZERO, List.of(), 2,
                Set.of("orders"), Optional.empty(), MessagingTracing.NONE));
    }
}
