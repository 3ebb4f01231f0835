package dev.kurir.application.items.port.in;

import java.util.List;
import java.util.Optional;

/** One page of items in sku order, and the sku to continue after, if there are more. */
public record ItemPage(List<ItemView> items, Optional<String> nextCursor) {
}
