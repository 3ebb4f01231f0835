package dev.kurir.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DatabaseTest {

    @Test
    void connectRetries_areTheFewestWhosePausesCoverTheWait() {
        assertEquals(0, Database.connectRetries(Duration.ofMillis(500)));
        assertEquals(1, Database.connectRetries(Duration.ofSeconds(1)));
        assertEquals(4, Database.connectRetries(Duration.ofSeconds(15)), "1 + 2 + 4 + 8 s");
        assertEquals(5, Database.connectRetries(Duration.ofSeconds(16)), "then 10 s");
        assertEquals(15, Database.connectRetries(Duration.ofMinutes(2)), "15 s, then 10 s eleven times");
    }
}
