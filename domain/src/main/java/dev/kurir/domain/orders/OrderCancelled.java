package dev.kurir.domain.orders;

import dev.kurir.domain.shared.DomainEvent;
import java.util.Objects;

/** An order was cancelled; whatever stock the items module holds for it must be released. */
public record OrderCancelled(String orderId, String reason) implements DomainEvent {
    public OrderCancelled {
        Objects.requireNonNull(orderId, "orderId");
        Objects.requireNonNull(reason, "reason");
    }
}
