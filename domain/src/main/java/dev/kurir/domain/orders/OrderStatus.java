package dev.kurir.domain.orders;

/** PENDING until the items module answers; then CONFIRMED (stock reserved) or REJECTED. */
public enum OrderStatus {
    PENDING, CONFIRMED, REJECTED
}
