package dev.kurir.application.items.usecase;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kurir.application.items.ItemsModule;
import dev.kurir.application.shared.port.out.OutgoingMessage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The items module handles exactly the events its descriptor says it consumes: the queue is bound for those. */
class ItemsDescriptorTest {

    @Test
    void inboxHandlers_areThoseOfTheConsumedEvents() {
        InMemoryItems items = new InMemoryItems();
        List<OutgoingMessage> outbox = new ArrayList<>();
        assertEquals(ItemsModule.DESCRIPTOR.consumedEventTypes(),
                ItemsFactory.inboxHandlers(items, items, outbox::add).keySet());
    }
}
