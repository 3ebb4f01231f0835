package dev.kurir.application.messaging.port.out;

import java.time.Duration;
import java.util.Objects;

/** How much work a module's outbox and inbox tables hold right now; read by the metrics at each scrape. */
public interface MessageBacklog {

    /**
     * Reads both tables of the module, now. Cheap enough to call on every scrape.
     *
     * @throws RuntimeException if the database cannot be reached
     */
    Snapshot read();

    /** The backlog of the module's outbox and of its inbox. */
    record Snapshot(Rows outbox, Rows inbox) {
        public Snapshot {
            Objects.requireNonNull(outbox, "outbox");
            Objects.requireNonNull(inbox, "inbox");
        }
    }

    /**
     * One table's backlog.
     *
     * @param pending          rows still to publish or process, including those waiting for a retry
     * @param oldestPendingAge how long the oldest of them has existed; zero when there are none
     * @param failed           rows that were given up on (FAILED), kept for an operator
     */
    record Rows(long pending, Duration oldestPendingAge, long failed) {
        public Rows {
            Objects.requireNonNull(oldestPendingAge, "oldestPendingAge");
        }
    }
}
