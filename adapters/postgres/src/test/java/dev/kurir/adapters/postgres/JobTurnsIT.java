package dev.kurir.adapters.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kurir.testing.TestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class JobTurnsIT {
    private static final Duration HOUR = Duration.ofHours(1);
    private static TestDatabase database;
    private static Jdbi jdbi;

    @BeforeAll
    static void migrate() {
        database = TestDatabase.create();
        Schemas.migrate(database.dataSource());
        jdbi = Jdbi.create(database.dataSource());
    }

    @AfterAll
    static void drop() {
        database.close();
    }

    @Test
    void aTurnTaken_isNotGivenAgain_untilTheIntervalHasPassed() throws InterruptedException {
        JdbiJobTurns first = new JdbiJobTurns(jdbi, Schemas.ORDERS, "kurir@a/1");
        JdbiJobTurns second = new JdbiJobTurns(jdbi, Schemas.ORDERS, "kurir@b/2");
        Duration interval = Duration.ofMillis(300);

        assertTrue(first.take("interval-test", interval), "nobody had it");
        assertFalse(second.take("interval-test", interval), "taken just now by the first");
        assertFalse(first.take("interval-test", interval), "not even by the same process");
        Thread.sleep(interval.plusMillis(50).toMillis());
        assertTrue(second.take("interval-test", interval), "the interval has passed");

        assertEquals("kurir@b/2 took turn 2", jdbi.withHandle(h -> h.createQuery(
                        "SELECT taken_by || ' took turn ' || turns FROM orders.job_turns WHERE job = 'interval-test'")
                .mapTo(String.class).one()));
    }

    @Test
    void jobsAndModules_haveTurnsOfTheirOwn() {
        JdbiJobTurns orders = new JdbiJobTurns(jdbi, Schemas.ORDERS, "kurir@a/1");
        JdbiJobTurns items = new JdbiJobTurns(jdbi, Schemas.ITEMS, "kurir@a/1");

        assertTrue(orders.take("own-a", HOUR));
        assertTrue(orders.take("own-b", HOUR));
        assertTrue(items.take("own-a", HOUR));
        assertFalse(items.take("own-a", HOUR));
    }

    @Test
    void processesAskingAtTheSameMoment_exactlyOneGetsTheTurn() throws Exception {
        int processes = 8;
        CountDownLatch ready = new CountDownLatch(processes);
        ExecutorService pool = Executors.newFixedThreadPool(processes);
        try {
            List<Future<Boolean>> answers = new ArrayList<>();
            for (int i = 0; i < processes; i++) {
                JdbiJobTurns turns = new JdbiJobTurns(jdbi, Schemas.ITEMS, "kurir@replica-" + i + "/1");
                Callable<Boolean> ask = () -> {
                    ready.countDown();
                    ready.await();
                    return turns.take("race", HOUR);
                };
                answers.add(pool.submit(ask));
            }
            int given = 0;
            for (Future<Boolean> answer : answers) {
                given += answer.get() ? 1 : 0;
            }
            assertEquals(1, given, "turns given to " + processes + " processes asking at once");
        } finally {
            pool.shutdownNow();
        }
    }
}
