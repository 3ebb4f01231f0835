package dev.kurir.application.items.port.out;

import dev.kurir.domain.items.Reservation;
import java.util.Optional;

/**
 * What the items module decided per order. Writes join the current {@code UnitOfWork} transaction.
 */
public interface Reservations {

    /**
     * Reads the order's reservation and holds the order's lock until the transaction ends, whether or not a
     * reservation exists yet, so that two events of one order are never handled at the same time. Take it before
     * locking any item.
     */
    Optional<Reservation> lock(String orderId);

    /** Inserts or replaces the order's reservation, its lines included. */
    void save(Reservation reservation);
}
