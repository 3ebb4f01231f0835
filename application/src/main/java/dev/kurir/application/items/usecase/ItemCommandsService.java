package dev.kurir.application.items.usecase;

import dev.kurir.application.items.port.in.AddItemCommand;
import dev.kurir.application.items.port.in.AddItemUseCase;
import dev.kurir.application.items.port.in.ItemAlreadyExistsException;
import dev.kurir.application.items.port.in.ItemNotFoundException;
import dev.kurir.application.items.port.in.ItemView;
import dev.kurir.application.items.port.in.RestockCommand;
import dev.kurir.application.items.port.in.RestockItemUseCase;
import dev.kurir.application.items.port.out.ItemRepository;
import dev.kurir.application.shared.port.out.UnitOfWork;
import dev.kurir.domain.items.Item;
import java.util.List;

final class ItemCommandsService implements AddItemUseCase, RestockItemUseCase {
    private final ItemRepository items;
    private final UnitOfWork unitOfWork;

    ItemCommandsService(ItemRepository items, UnitOfWork unitOfWork) {
        this.items = items;
        this.unitOfWork = unitOfWork;
    }

    @Override
    public ItemView addItem(AddItemCommand command) {
        Item item = new Item(command.sku(), command.name(), command.price(), command.stock());
        return unitOfWork.inTransaction(() -> {
            if (!items.insertIfAbsent(item)) {
                throw new ItemAlreadyExistsException(command.sku().value());
            }
            return ItemView.of(item);
        });
    }

    @Override
    public ItemView restock(RestockCommand command) {
        return unitOfWork.inTransaction(() -> {
            Item item = items.lockBySku(command.sku())
                    .orElseThrow(() -> new ItemNotFoundException(command.sku().value()));
            item.restock(command.quantity());
            items.updateStock(List.of(item));
            return ItemView.of(item);
        });
    }
}
