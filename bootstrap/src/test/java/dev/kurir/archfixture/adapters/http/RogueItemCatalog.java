package dev.kurir.archfixture.adapters.http;

import dev.kurir.archfixture.application.orders.port.out.ItemCatalog;

/** Violates: only the in-process and the HTTP catalog adapters know how orders reaches items. */
public class RogueItemCatalog implements ItemCatalog {
}
