package dev.kurir.application.orders.usecase;

import dev.kurir.application.contracts.StockRejected;
import dev.kurir.application.contracts.StockReserved;
import dev.kurir.application.messaging.handler.Handled;
import dev.kurir.application.messaging.handler.InvalidMessageException;
import dev.kurir.application.orders.port.out.OrderRepository;
import dev.kurir.domain.orders.Order;
import dev.kurir.domain.orders.OrderStatus;
import java.time.Clock;

/**
 * Applies the items module's answer to an order: {@code stock.reserved} confirms it, {@code stock.rejected}
 * rejects it with the reason. Runs in the inbox transaction. An answer for an order cancelled meanwhile changes
 * nothing (the items module releases its stock on {@code order.cancelled}); nothing moves a final order back.
 */
final class StockDecisionHandler {
    private final OrderRepository orders;
    private final Clock clock;

    StockDecisionHandler(OrderRepository orders, Clock clock) {
        this.orders = orders;
        this.clock = clock;
    }

    Handled reserved(StockReserved event) {
        return decide(event.orderId(), true, null);
    }

    Handled rejected(StockRejected event) {
        return decide(event.orderId(), false, event.reason());
    }

    private Handled decide(String orderId, boolean reserved, String reason) {
        Order order = orders.lockById(orderId)
                .orElseThrow(() -> new InvalidMessageException("no order " + orderId));
        OrderStatus target = reserved ? OrderStatus.CONFIRMED : OrderStatus.REJECTED;
        if (order.status() == target) {
            return Handled.DUPLICATE; // the same decision again, under another message id
        }
        if (order.status() == OrderStatus.CANCELLED) {
            return Handled.LATE;
        }
        if (order.status() != OrderStatus.PENDING) {
            throw new InvalidMessageException("order " + orderId + " is already " + order.status()
                    + "; cannot make it " + target);
        }
        if (reserved) {
            order.confirm(clock);
        } else {
            order.reject(reason, clock);
        }
        orders.updateStatus(order);
        return Handled.APPLIED;
    }
}
