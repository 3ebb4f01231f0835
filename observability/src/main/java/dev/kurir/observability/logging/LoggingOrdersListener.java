package dev.kurir.observability.logging;

import dev.kurir.application.orders.port.in.OrderView;
import dev.kurir.application.orders.port.out.OrdersListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs each cancelled order with its id, its reason and whether the saga deadline cancelled it, and the deadline's
 * failed rounds.
 */
public final class LoggingOrdersListener implements OrdersListener {
    private static final Logger log = LoggerFactory.getLogger("dev.kurir.orders");

    @Override
    public void cancelled(OrderView order, boolean byDeadline) {
        (byDeadline ? log.atWarn() : log.atInfo())
                .addKeyValue("order_id", order.orderId())
                .addKeyValue("customer_id", order.customerId())
                .addKeyValue("reason", order.cancellationReason())
                .addKeyValue("cause", byDeadline ? "deadline" : "request")
                .log(byDeadline ? "order cancelled: still PENDING at its deadline" : "order cancelled");
    }

    @Override
    public void deadlineRoundFailed(RuntimeException error) {
        log.atWarn()
                .addKeyValue("reason", error.getMessage() == null ? error.getClass().getName() : error.getMessage())
                .log("saga deadline round failed; the next round tries again");
    }
}
