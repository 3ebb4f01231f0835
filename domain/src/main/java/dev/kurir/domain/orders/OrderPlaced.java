package dev.kurir.domain.orders;

import dev.kurir.domain.shared.DomainEvent;
import dev.kurir.domain.shared.Money;
import java.util.List;

/** An order was accepted and waits for stock; the items module reserves it. */
public record OrderPlaced(String orderId, String customerId, Money amount, List<OrderLine> lines) implements DomainEvent {
    public OrderPlaced {
        lines = List.copyOf(lines);
    }
}
