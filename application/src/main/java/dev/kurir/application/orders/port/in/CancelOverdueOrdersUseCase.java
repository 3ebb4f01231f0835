package dev.kurir.application.orders.port.in;

import java.time.Duration;

/**
 * The saga's deadline: cancels the orders still PENDING longer than a given age, with the reason
 * {@value #DEADLINE_EXCEEDED}, as {@link CancelOrderUseCase} would. Safe to run in several processes at once: an
 * order another process is cancelling is skipped, not waited for.
 */
public interface CancelOverdueOrdersUseCase {
    String DEADLINE_EXCEEDED = "deadline exceeded";

    /**
     * Cancels every order PENDING for longer than {@code age}, a batch per transaction.
     *
     * @return how many it cancelled
     */
    int cancelPendingLongerThan(Duration age);
}
