package dev.kurir.application.orders.usecase;

import dev.kurir.application.orders.port.in.OrderView;
import dev.kurir.application.orders.port.in.PlaceOrderCommand;
import dev.kurir.application.orders.port.in.PlaceOrderUseCase;
import dev.kurir.application.orders.port.in.UnknownSkuException;
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
import java.util.Set;

final class PlaceOrderService implements PlaceOrderUseCase {
    private final ItemCatalog catalog;
    private final OrderRepository orders;
    private final Outbox outbox;
    private final UnitOfWork unitOfWork;
    private final Clock clock;

    PlaceOrderService(ItemCatalog catalog, OrderRepository orders, Outbox outbox, UnitOfWork unitOfWork, Clock clock) {
        this.catalog = catalog;
        this.orders = orders;
        this.outbox = outbox;
        this.unitOfWork = unitOfWork;
        this.clock = clock;
    }

    @Override
    public OrderView placeOrder(PlaceOrderCommand command) {
        // Priced before the transaction: the catalog may be a remote call, and no lock should wait on it.
        List<OrderLine> lines = price(command.lines());
        return unitOfWork.inTransaction(() -> {
            Order order = Order.place(command.customerId(), lines, clock);
            orders.insert(order);
            order.pullEvents().forEach(event -> outbox.append(OrderMessages.of((OrderPlaced) event)));
            return OrderView.of(order);
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
}
