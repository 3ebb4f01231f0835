package dev.kurir.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kurir.application.messaging.MessagingTracing;
import dev.kurir.application.orders.port.out.OrdersListener;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OrderDeadlineJobTest {
    private final MutableClock clock = new MutableClock();
    private final List<String> failures = new ArrayList<>();
    private final OrderDeadlineJob job = new OrderDeadlineJob(Duration.ofMinutes(5), (job, every) -> true, new OrdersListener() {
        @Override
        public void deadlineRoundFailed(RuntimeException error) {
            failures.add(error.getMessage());
        }
    }, MessagingTracing.NONE, clock);

    @Test
    void interval_isATenthOfTheDeadline_between100msAnd5s() {
        assertEquals(Duration.ofSeconds(5), OrderDeadlineJob.interval(Duration.ofMinutes(5)));
        assertEquals(Duration.ofSeconds(3), OrderDeadlineJob.interval(Duration.ofSeconds(30)));
        assertEquals(Duration.ofMillis(100), OrderDeadlineJob.interval(Duration.ofMillis(500)));
    }

    @Test
    void afterAnOutage_onlyOrdersPendingTwiceTheDeadline_areCancelled_forTheGracePeriod() {
        List<Duration> ages = new ArrayList<>();
        job.runOnce(age -> {
            ages.add(age);
            return 0;
        });
        job.outageSeen();
        clock.advance(Duration.ofSeconds(29));
        job.runOnce(age -> {
            ages.add(age);
            return 0;
        });
        clock.advance(Duration.ofSeconds(2));
        job.runOnce(age -> {
            ages.add(age);
            return 0;
        });
        assertEquals(List.of(Duration.ofMinutes(5), Duration.ofMinutes(10), Duration.ofMinutes(5)), ages);
    }

    @Test
    void aFailedRound_isReported_andCountsAsAnOutage() {
        job.runOnce(age -> {
            throw new IllegalStateException("database away");
        });
        assertEquals(List.of("database away"), failures);
        assertEquals(Duration.ofMinutes(10), job.cutoffAge());
    }

    private static final class MutableClock extends Clock {
        private Instant now = Instant.parse("2026-12-07T12:00:00Z");

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override public ZoneId getZone() { return ZoneId.of("UTC"); }
        @Override public Clock withZone(ZoneId zone) { return this; }
        @Override public Instant instant() { return now; }
    }

    @Test
    void whileAnotherProcessHasTheTurn_nothingIsCancelled() {
        List<String> asked = new ArrayList<>();
        OrderDeadlineJob notMyTurn = new OrderDeadlineJob(Duration.ofSeconds(30), (job, every) -> {
            asked.add(job + " every " + every.toMillis() + "ms");
            return false;
        }, new OrdersListener() { }, MessagingTracing.NONE, clock);
        notMyTurn.runOnce(age -> {
            throw new AssertionError("cancelled without the turn");
        });
        assertEquals(List.of("order-deadline every 3000ms"), asked);
    }
}
