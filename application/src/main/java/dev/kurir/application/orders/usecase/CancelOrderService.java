package dev.kurir.application.orders.usecase;

import dev.kurir.application.orders.port.in.CancelOrderCommand;
import dev.kurir.application.orders.port.in.CancelOrderUseCase;
import dev.kurir.application.orders.port.in.CancelOverdueOrdersUseCase;
import dev.kurir.application.orders.port.in.CancelledOrder;
import dev.kurir.application.orders.port.in.OrderNotFoundException;
import dev.kurir.application.orders.port.in.OrderView;
import dev.kurir.application.orders.port.out.OrderRepository;
import dev.kurir.application.orders.port.out.OrdersListener;
import dev.kurir.application.shared.port.out.Outbox;
import dev.kurir.application.shared.port.out.UnitOfWork;
import dev.kurir.domain.orders.Order;
import dev.kurir.domain.orders.OrderCancelled;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Cancels orders, on request and at the saga's deadline, by one path: the order and its event in one transaction. */
final class CancelOrderService implements CancelOrderUseCase, CancelOverdueOrdersUseCase {
    static final int BATCH_SIZE = 100;

    private final OrderRepository orders;
    private final Outbox outbox;
    private final UnitOfWork unitOfWork;
    private final OrdersListener listener;
    private final Clock clock;

    CancelOrderService(OrderRepository orders, Outbox outbox, UnitOfWork unitOfWork, OrdersListener listener,
                       Clock clock) {
        this.orders = orders;
        this.outbox = outbox;
        this.unitOfWork = unitOfWork;
        this.listener = listener;
        this.clock = clock;
    }

    @Override
    public CancelledOrder cancelOrder(CancelOrderCommand command) {
        CancelledOrder result = unitOfWork.inTransaction(() -> {
            Order order = orders.lockById(command.orderId())
                    .orElseThrow(() -> new OrderNotFoundException(command.orderId()));
            boolean changed = cancel(order, command.reason());
            return new CancelledOrder(OrderView.of(order), changed);
        });
        if (result.changed()) {
            listener.cancelled(result.order(), false);
        }
        return result;
    }

    @Override
    public int cancelPendingLongerThan(Duration age) {
        int total = 0;
        List<OrderView> batch;
        do {
            batch = unitOfWork.inTransaction(() -> {
                List<OrderView> cancelled = new ArrayList<>();
                for (Order order : orders.lockPendingPlacedBefore(clock.instant().minus(age), BATCH_SIZE)) {
                    cancel(order, DEADLINE_EXCEEDED);
                    cancelled.add(OrderView.of(order));
                }
                return cancelled;
            });
            batch.forEach(order -> listener.cancelled(order, true));
            total += batch.size();
        } while (batch.size() == BATCH_SIZE); // a full batch: more orders may be overdue
        return total;
    }

    private boolean cancel(Order order, String reason) {
        if (!order.cancel(reason, clock)) {
            return false;
        }
        orders.updateStatus(order);
        for (var event : order.pullEvents()) {
            if (event instanceof OrderCancelled cancelled) {
                outbox.append(OrderMessages.of(cancelled));
            }
        }
        return true;
    }
}
