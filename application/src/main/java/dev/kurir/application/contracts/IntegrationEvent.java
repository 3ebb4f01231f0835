package dev.kurir.application.contracts;

/** The payload of a message between modules. */
public sealed interface IntegrationEvent permits OrderCreated, OrderCancelled, StockReserved, StockRejected {
}
