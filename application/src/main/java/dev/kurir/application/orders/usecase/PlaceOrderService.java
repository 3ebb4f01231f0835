package dev.kurir.application.orders.usecase;

import dev.kurir.application.orders.port.in.IdempotencyKeyReusedException;
import dev.kurir.application.orders.port.in.OrderView;
import dev.kurir.application.orders.port.in.PlaceOrderCommand;
import dev.kurir.application.orders.port.in.PlaceOrderUseCase;
import dev.kurir.application.orders.port.in.PlacedOrder;
import dev.kurir.application.orders.port.in.UnknownSkuException;
import dev.kurir.application.orders.port.out.IdempotencyKeys;
import dev.kurir.application.orders.port.out.ItemCatalog;
import dev.kurir.application.orders.port.out.OrderRepository;
import dev.kurir.application.shared.port.out.Outbox;
import dev.kurir.application.shared.port.out.UnitOfWork;
import dev.kurir.domain.orders.Order;
import dev.kurir.domain.orders.OrderLine;
import dev.kurir.domain.orders.OrderPlaced;
import dev.kurir.domain.orders.Sku;
import dev.kurir.domain.shared.Money;
import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

final class PlaceOrderService implements PlaceOrderUseCase {
    private final ItemCatalog catalog;
    private final OrderRepository orders;
    private final IdempotencyKeys keys;
    private final Outbox outbox;
    private final UnitOfWork unitOfWork;
    private final Clock clock;

    PlaceOrderService(ItemCatalog catalog, OrderRepository orders, IdempotencyKeys keys, Outbox outbox,
                      UnitOfWork unitOfWork, Clock clock) {
        this.catalog = catalog;
        this.orders = orders;
        this.keys = keys;
        this.outbox = outbox;
        this.unitOfWork = unitOfWork;
        this.clock = clock;
    }

    @Override
    public PlacedOrder placeOrder(PlaceOrderCommand command) {
        Optional<PlacedOrder> earlier = command.idempotencyKey().flatMap(key -> replay(key, command));
        if (earlier.isPresent()) {
            return earlier.get();
        }
        // Priced before the transaction: the catalog may be a remote call, and no lock should wait on it.
        List<OrderLine> lines = price(command.lines());
        try {
            return unitOfWork.inTransaction(() -> place(command, lines));
        } catch (ConcurrentDuplicate e) {
            // The same key won in another transaction while this one ran: its order is the answer.
            return replay(e.key, command).orElseThrow(() -> new IllegalStateException("idempotency key vanished"));
        }
    }

    private PlacedOrder place(PlaceOrderCommand command, List<OrderLine> lines) {
        Order order = Order.place(command.customerId(), lines, clock);
        orders.insert(order);
        if (command.idempotencyKey().isPresent()) {
            String key = command.idempotencyKey().get();
            if (!keys.record(key, command.fingerprint(), order.orderId())) {
                throw new ConcurrentDuplicate(key);
            }
        }
        order.pullEvents().forEach(event -> outbox.append(OrderMessages.of((OrderPlaced) event)));
        return new PlacedOrder(OrderView.of(order), false);
    }

    private Optional<PlacedOrder> replay(String key, PlaceOrderCommand command) {
        return keys.find(key).map(claim -> {
            if (!claim.requestHash().equals(command.fingerprint())) {
                throw new IdempotencyKeyReusedException(key);
            }
            OrderView order = orders.findById(claim.orderId()).map(OrderView::of)
                    .orElseThrow(() -> new IllegalStateException("order " + claim.orderId() + " of key " + key + " is gone"));
            return new PlacedOrder(order, true);
        });
    }

    private List<OrderLine> price(List<PlaceOrderCommand.Line> requested) {
        Set<Sku> skus = new LinkedHashSet<>();
        requested.forEach(line -> skus.add(line.sku()));
        Map<Sku, Money> prices = catalog.pricesOf(skus);
        List<String> unknown = skus.stream().filter(sku -> !prices.containsKey(sku)).map(Sku::value).toList();
        if (!unknown.isEmpty()) {
            throw new UnknownSkuException(unknown);
        }
        return requested.stream().map(line -> new OrderLine(line.sku(), line.quantity(), prices.get(line.sku()))).toList();
    }

    /** Rolls the transaction back when a concurrent request with the same key committed first. */
    private static final class ConcurrentDuplicate extends RuntimeException {
        private final String key;

        ConcurrentDuplicate(String key) {
            super(null, null, false, false);
            this.key = key;
        }
    }
}
