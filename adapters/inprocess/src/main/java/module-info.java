/** In-process bridges between orders and items, for when both run in one process. */
module dev.kurir.adapters.inprocess {
    requires dev.kurir.application;

    exports dev.kurir.adapters.inprocess;
}
