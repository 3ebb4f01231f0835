package dev.kurir.application.console.port.out;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the operator console reads about orders and their saga, straight from the rows of the modules this process
 * runs: it reads, it never changes anything. A module this process does not run contributes nothing.
 */
public interface SagaRecords {

    /** The order row as stored. */
    record OrderFacts(String orderId, String customerId, String status, BigDecimal amount,
                      Optional<String> rejectionReason, Optional<String> cancellationReason, Instant createdAt,
                      Instant updatedAt) {
    }

    /**
     * An outbox or inbox row about the order (its payload names the order).
     *
     * @param table {@code outbox} or {@code inbox}
     */
    record MessageFacts(String module, String table, long id, String messageId, String eventType, String status,
                        int retryCount, Optional<String> error, Instant createdAt, Instant updatedAt,
                        Optional<String> traceparent) {
    }

    /** The items module's decision for the order. */
    record ReservationFacts(Optional<String> decision, boolean cancelled, Optional<String> reason, Instant createdAt,
                            Instant updatedAt) {
    }

    /** Everything known here about one order; every part may be missing. */
    record Saga(String orderId, Optional<OrderFacts> order, List<MessageFacts> messages,
                Optional<ReservationFacts> reservation) {
        public boolean isEmpty() {
            return order.isEmpty() && messages.isEmpty() && reservation.isEmpty();
        }
    }

    /** Orders per status; empty when this process does not run the orders module. */
    Map<String, Long> ordersByStatus();

    /** Orders cancelled with {@code reason} since {@code since}; 0 when this process does not run orders. */
    long cancelledSince(String reason, Instant since);

    /** What the rows of this process's modules say about the order, its messages oldest first. */
    Saga saga(String orderId);

    /** The newest orders of a customer, newest first; empty when this process does not run orders. */
    List<String> ordersOfCustomer(String customerId, int limit);
}
