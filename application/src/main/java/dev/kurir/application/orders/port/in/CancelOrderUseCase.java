package dev.kurir.application.orders.port.in;

/**
 * Cancels an order: marks it CANCELLED and queues {@code order.cancelled}, in one transaction, so that the items
 * module releases whatever stock it holds for it.
 */
public interface CancelOrderUseCase {

    /**
     * Cancelling a CANCELLED order again writes nothing and returns it unchanged.
     *
     * @throws OrderNotFoundException                         if no order has that id
     * @throws dev.kurir.domain.shared.DomainRuleViolation   if the order is REJECTED; nothing is written
     */
    CancelledOrder cancelOrder(CancelOrderCommand command);
}
