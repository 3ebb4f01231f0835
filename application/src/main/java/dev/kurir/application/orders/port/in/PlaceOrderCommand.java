package dev.kurir.application.orders.port.in;

import dev.kurir.domain.orders.Order;
import dev.kurir.domain.orders.OrderLine;
import dev.kurir.domain.orders.Sku;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What a customer asks for. Valid by construction: a well-formed customer id and 1–100 lines of positive quantity, each sku once.
 *
 * @throws IllegalArgumentException from the constructor when any rule is broken, naming the rule
 */
public record PlaceOrderCommand(String customerId, List<Line> lines) {

    public PlaceOrderCommand {
        Order.validateCustomerId(customerId);
        if (lines == null || lines.isEmpty()) {
            throw new IllegalArgumentException("items must hold at least one line");
        }
        if (lines.size() > Order.MAX_LINES) {
            throw new IllegalArgumentException("items holds at most " + Order.MAX_LINES + " lines, got " + lines.size());
        }
        lines = List.copyOf(lines);
        Set<Sku> seen = new HashSet<>();
        for (Line line : lines) {
            if (!seen.add(line.sku())) {
                throw new IllegalArgumentException("sku " + line.sku() + " appears in more than one line");
            }
        }
    }

    /** One requested line; priced later by the catalog. */
    public record Line(Sku sku, int quantity) {
        public Line {
            Objects.requireNonNull(sku, "sku");
            if (quantity < 1 || quantity > OrderLine.MAX_QUANTITY) {
                throw new IllegalArgumentException(
                        "quantity must be between 1 and " + OrderLine.MAX_QUANTITY + ", was " + quantity);
            }
        }
    }
}
