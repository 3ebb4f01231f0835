package dev.kurir.application.contracts;

import java.util.List;

/** The stock of every line is now held for the order ({@code stock.reserved}, from items to orders). */
public record StockReserved(String orderId, List<LineItem> items) implements IntegrationEvent {
    public static final EventType<StockReserved> TYPE = new EventType<>("stock.reserved", 1, StockReserved.class);

    public StockReserved {
        Fields.text(orderId, "order_id");
        items = Fields.nonEmpty(items, "items");
    }
}
