package dev.kurir.application.contracts;

/** Nothing was reserved for the order, for the reason given ({@code stock.rejected}, from items to orders). */
public record StockRejected(String orderId, String reason) implements IntegrationEvent {
    public static final EventType<StockRejected> TYPE = new EventType<>("stock.rejected", 1, StockRejected.class);

    public StockRejected {
        Fields.text(orderId, "order_id");
        Fields.text(reason, "reason");
    }
}
