package dev.kurir.application.orders.usecase;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kurir.application.orders.OrdersModule;
import java.time.Clock;
import org.junit.jupiter.api.Test;

/** The orders module handles exactly the events its descriptor says it consumes: the queue is bound for those. */
class OrdersDescriptorTest {

    @Test
    void inboxHandlers_areThoseOfTheConsumedEvents() {
        assertEquals(OrdersModule.DESCRIPTOR.consumedEventTypes(),
                OrdersFactory.inboxHandlers(new InMemoryOrders(), Clock.systemUTC()).keySet());
    }
}
