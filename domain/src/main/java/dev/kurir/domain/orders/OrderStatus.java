package dev.kurir.domain.orders;

/**
 * PENDING until the items module answers; then CONFIRMED (stock reserved) or REJECTED. A PENDING or CONFIRMED
 * order may be CANCELLED (on request, or by the saga deadline). REJECTED and CANCELLED are final.
 */
public enum OrderStatus {
    PENDING, CONFIRMED, REJECTED, CANCELLED;

    /** Whether nothing can change the order any more. */
    public boolean isFinal() {
        return this == REJECTED || this == CANCELLED;
    }
}
