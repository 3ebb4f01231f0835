package dev.kurir.application.orders.port.in;

/**
 * The saga's deadline: cancels the orders still PENDING longer than the deadline after they were placed, with the
 * reason {@value #DEADLINE_EXCEEDED}, as {@link CancelOrderUseCase} would. Safe to run in several processes at
 * once: an order another process is cancelling is skipped, not waited for.
 */
public interface CancelOverdueOrdersUseCase {
    String DEADLINE_EXCEEDED = "deadline exceeded";

    /**
     * Cancels up to one batch of overdue orders in one transaction.
     *
     * @return how many it cancelled; a full batch means more may be waiting
     */
    int cancelOverdueOrders();

    /** How many orders one call cancels at most. */
    int batchSize();
}
