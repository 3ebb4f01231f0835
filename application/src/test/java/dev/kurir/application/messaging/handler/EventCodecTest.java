package dev.kurir.application.messaging.handler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kurir.application.contracts.EventType;
import dev.kurir.application.contracts.IntegrationEvent;
import dev.kurir.application.contracts.IntegrationEvents;
import dev.kurir.application.contracts.LineItem;
import dev.kurir.application.contracts.OrderCancelled;
import dev.kurir.application.contracts.OrderCreated;
import dev.kurir.application.contracts.StockRejected;
import dev.kurir.application.contracts.StockReserved;
import dev.kurir.application.shared.port.out.OutgoingMessage;
import dev.kurir.testing.EventSchemas;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EventCodecTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<LineItem> LINES = List.of(new LineItem("ITEM-99", 5), new LineItem("ITEM-1", 1));

    /** One event of each type of the contract, as the modules publish them. */
    private static final Map<EventType<?>, IntegrationEvent> SAMPLES = Map.of(
            OrderCreated.TYPE, new OrderCreated("o-1", "cust-1", new BigDecimal("387.26"), LINES),
            OrderCancelled.TYPE, new OrderCancelled("o-1", "changed my mind"),
            StockReserved.TYPE, new StockReserved("o-1", LINES),
            StockRejected.TYPE, new StockRejected("o-1", "not enough stock for A: requested 3, available 2"));

    private static Map<String, Object> orderCreated() {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("order_id", "o-1");
        payload.put("customer_id", "cust-1");
        payload.put("amount", "12.50");
        payload.put("items", List.of(Map.of("sku", "A", "quantity", 2)));
        return payload;
    }

    private static String reasonFor(Map<String, Object> payload) {
        return assertThrows(InvalidMessageException.class, () -> EventCodec.decode(OrderCreated.TYPE, payload))
                .getMessage();
    }

    @Test
    void everyEventOfTheContract_hasASample() {
        assertEquals(Set.copyOf(IntegrationEvents.all()), SAMPLES.keySet());
    }

    @Test
    void everyEvent_encodesToWhatItsSchemaDescribes_andDecodesToItself() throws Exception {
        for (var sample : SAMPLES.entrySet()) {
            EventType<?> type = sample.getKey();
            String json = JSON.writeValueAsString(EventCodec.encode(sample.getValue()));
            assertEquals(List.of(), EventSchemas.violations(type.name(), type.version(), json), json);
            assertEquals(sample.getValue(), EventCodec.decode(type, EventCodec.encode(sample.getValue())));
        }
    }

    @Test
    void theSchemas_refuseWhatTheContractDoesNotAllow() {
        assertFalse(EventSchemas.violations("order.created", 1, "{\"order_id\":\"o-1\",\"customer_id\":\"c\","
                + "\"amount\":12.5,\"items\":[{\"sku\":\"A\",\"quantity\":1}]}").isEmpty(), "amount is a string");
        assertFalse(EventSchemas.violations("stock.reserved", 1, "{\"order_id\":\"o-1\",\"items\":[]}").isEmpty(),
                "at least one line");
        assertFalse(EventSchemas.violations("stock.rejected", 1, "{\"order_id\":\"o-1\"}").isEmpty(), "a reason");
    }

    @Test
    void outgoing_carriesTheTypeAsEventTypeAndRoutingKey_itsVersion_andTheWireForm() {
        OutgoingMessage message = EventCodec.outgoing(OrderCreated.TYPE,
                (OrderCreated) SAMPLES.get(OrderCreated.TYPE), "orders");
        assertEquals("order.created", message.eventType());
        assertEquals("order.created", message.routingKey());
        assertEquals(1, message.eventVersion());
        assertEquals("orders", message.exchange());
        assertEquals(List.of("order_id", "customer_id", "amount", "items"), List.copyOf(message.payload().keySet()));
        assertEquals("387.26", message.payload().get("amount"), "a decimal string, as the schema says");
        assertEquals(List.of(Map.of("sku", "ITEM-99", "quantity", 5), Map.of("sku", "ITEM-1", "quantity", 1)),
                message.payload().get("items"));
    }

    @Test
    void aField_theReaderDoesNotKnow_isIgnored() {
        Map<String, Object> newer = orderCreated();
        newer.put("currency", "EUR");
        newer.put("items", List.of(Map.of("sku", "A", "quantity", 2, "gift_wrap", true)));
        OrderCreated event = EventCodec.decode(OrderCreated.TYPE, newer);
        assertEquals(new OrderCreated("o-1", "cust-1", new BigDecimal("12.50"), List.of(new LineItem("A", 2))), event);
    }

    @Test
    void aMissingField_isInvalid_andNamed() {
        Map<String, Object> payload = orderCreated();
        payload.remove("customer_id");
        assertEquals("invalid order.created v1 payload: customer_id is missing", reasonFor(payload));
    }

    @Test
    void aValueTheRecordRefuses_isInvalid_withTheRecordsReason() {
        Map<String, Object> payload = orderCreated();
        payload.put("items", List.of(Map.of("sku", "A", "quantity", 0)));
        assertEquals("invalid order.created v1 payload: quantity of A must be at least 1, was 0", reasonFor(payload));
        payload.put("items", List.of());
        assertEquals("invalid order.created v1 payload: items must be a non-empty array", reasonFor(payload));
        payload.put("items", List.of(Map.of("sku", " ", "quantity", 1)));
        assertEquals("invalid order.created v1 payload: sku must be a non-empty string", reasonFor(payload));
    }

    @Test
    void aWrongType_isInvalid_andNotCoerced() {
        Map<String, Object> payload = orderCreated();
        payload.put("items", List.of(Map.of("sku", "A", "quantity", "2")));
        String reason = reasonFor(payload);
        assertTrue(reason.startsWith("invalid order.created v1 payload: items[0].quantity: "), reason);
        assertFalse(reason.contains("but might if"), reason);
        payload.put("items", List.of(Map.of("sku", "A", "quantity", 2.5)));
        assertTrue(reasonFor(payload).contains("items[0].quantity"), reasonFor(payload));
        payload.put("items", "not a list");
        assertTrue(reasonFor(payload).contains("items"), reasonFor(payload));
        Map<String, Object> numericId = orderCreated();
        numericId.put("order_id", 5);
        assertTrue(reasonFor(numericId).contains("order_id"), reasonFor(numericId));
        Map<String, Object> noQuantity = orderCreated();
        noQuantity.put("items", List.of(Map.of("sku", "A")));
        assertEquals("invalid order.created v1 payload: items[0].quantity is missing", reasonFor(noQuantity));
    }
}
