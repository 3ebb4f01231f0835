package dev.kurir.application.messaging.handler;

import dev.kurir.application.contracts.EventType;
import dev.kurir.application.contracts.IntegrationEvent;

/** Binds an inbox message's payload to the event's record, then hands that to the module's handler. */
record TypedInboxHandler<E extends IntegrationEvent>(EventType<E> type, EventHandler<E> handler)
        implements InboxHandler {

    @Override
    public Handled handle(InboxMessage message) {
        return handler.handle(EventCodec.decode(type, message.payload()));
    }

    @Override
    public int version() {
        return type.version();
    }
}
