package dev.kurir.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class OrderDeadlineJobTest {

    @Test
    void interval_isATenthOfTheDeadline_between100msAnd5s() {
        assertEquals(Duration.ofSeconds(5), OrderDeadlineJob.interval(Duration.ofMinutes(5)));
        assertEquals(Duration.ofSeconds(3), OrderDeadlineJob.interval(Duration.ofSeconds(30)));
        assertEquals(Duration.ofMillis(100), OrderDeadlineJob.interval(Duration.ofMillis(500)));
    }
}
