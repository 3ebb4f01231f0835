/** Business rules of the orders and items modules; depends on nothing but java.base. */
module dev.kurir.domain {
    exports dev.kurir.domain.shared;
    exports dev.kurir.domain.orders;
    exports dev.kurir.domain.items;
}
