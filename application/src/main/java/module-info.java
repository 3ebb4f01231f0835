/**
 * Use cases of orders and items and the ports they need. Exports the ports and one factory per module;
 * the {@code usecase} packages stay inside.
 */
module dev.kurir.application {
    requires transitive dev.kurir.domain;
    // The codec binds the contract records to JSON (messaging.handler.EventCodec); nothing else uses it.
    requires com.fasterxml.jackson.databind;

    exports dev.kurir.application.contracts;
    exports dev.kurir.application.shared.port.out;
    exports dev.kurir.application.orders;
    exports dev.kurir.application.orders.port.in;
    exports dev.kurir.application.orders.port.out;
    exports dev.kurir.application.items;
    exports dev.kurir.application.items.port.in;
    exports dev.kurir.application.items.port.out;
    exports dev.kurir.application.messaging;
    exports dev.kurir.application.module;
    exports dev.kurir.application.monitoring;
    exports dev.kurir.application.messaging.handler;
    exports dev.kurir.application.messaging.port.in;
    exports dev.kurir.application.messaging.port.out;

    // Jackson binds the contract records by reflection.
    opens dev.kurir.application.contracts to com.fasterxml.jackson.databind;
    exports dev.kurir.application.console.port.out;
}
