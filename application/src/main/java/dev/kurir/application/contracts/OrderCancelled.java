package dev.kurir.application.contracts;

/** An order was cancelled; the stock held for it goes back ({@code order.cancelled}, from orders to items). */
public record OrderCancelled(String orderId, String reason) implements IntegrationEvent {
    public static final EventType<OrderCancelled> TYPE = new EventType<>("order.cancelled", 1, OrderCancelled.class);

    public OrderCancelled {
        Fields.text(orderId, "order_id");
        Fields.text(reason, "reason");
    }
}
