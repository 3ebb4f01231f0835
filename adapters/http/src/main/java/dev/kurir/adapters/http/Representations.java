package dev.kurir.adapters.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kurir.application.items.port.in.ItemView;
import dev.kurir.application.orders.port.in.OrderView;
import io.javalin.http.Context;

/** The JSON bodies the API answers with. Amounts are decimal strings so that no client rounds them. */
final class Representations {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Representations() {
    }

    static ObjectNode order(OrderView order) {
        ObjectNode node = JSON.createObjectNode()
                .put("orderId", order.orderId())
                .put("customerId", order.customerId());
        ArrayNode items = node.putArray("items");
        order.lines().forEach(line -> items.addObject()
                .put("sku", line.sku())
                .put("quantity", line.quantity())
                .put("unitPrice", line.unitPrice().toString()));
        return node.put("amount", order.amount().toString())
                .put("status", order.status().name())
                .put("rejectionReason", order.rejectionReason())
                .put("cancellationReason", order.cancellationReason())
                .put("createdAt", order.createdAt().toString())
                .put("updatedAt", order.updatedAt().toString());
    }

    static ObjectNode item(ItemView item) {
        return JSON.createObjectNode()
                .put("sku", item.sku())
                .put("name", item.name())
                .put("price", item.price().toString())
                .put("stock", item.stock());
    }

    static ObjectNode page(String field, Iterable<ObjectNode> elements, String nextCursor) {
        ObjectNode node = JSON.createObjectNode();
        node.putArray(field).addAll(toList(elements));
        return node.put("nextCursor", nextCursor);
    }

    private static java.util.List<ObjectNode> toList(Iterable<ObjectNode> elements) {
        java.util.List<ObjectNode> list = new java.util.ArrayList<>();
        elements.forEach(list::add);
        return list;
    }

    static void send(Context ctx, int status, ObjectNode body) {
        ctx.status(status).contentType("application/json").result(body.toString());
    }
}
