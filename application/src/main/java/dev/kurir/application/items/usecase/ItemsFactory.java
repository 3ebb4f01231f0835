package dev.kurir.application.items.usecase;

import dev.kurir.application.items.ItemsModule;

/** Builds the use cases; reached only through {@link ItemsModule#create}. */
public final class ItemsFactory {
    private ItemsFactory() {
    }

    public static ItemsModule create(ItemsModule.Dependencies deps) {
        ItemCommandsService commands = new ItemCommandsService(deps.items(), deps.unitOfWork());
        ItemQueriesService queries = new ItemQueriesService(deps.items());
        return new ItemsModule(commands, commands, queries, queries, queries);
    }
}
