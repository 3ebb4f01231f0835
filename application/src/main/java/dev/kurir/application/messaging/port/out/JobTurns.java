package dev.kurir.application.messaging.port.out;

import java.time.Duration;

/**
 * Shares a periodic job among the processes that run one module on the same database: per interval, the first to
 * ask gets the turn and the others skip it, so that three replicas purge or cancel once per interval, not three
 * times.
 */
public interface JobTurns {
    /**
     * Takes {@code job}'s turn unless some process took it less than {@code interval} ago (by the database's clock,
     * so the processes' clocks do not matter).
     *
     * @return whether this process has the turn and should run the job now
     */
    boolean take(String job, Duration interval);
}
