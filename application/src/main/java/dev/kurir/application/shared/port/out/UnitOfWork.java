package dev.kurir.application.shared.port.out;

import java.util.function.Supplier;

/** Runs work in one database transaction: everything it writes commits together or not at all. */
public interface UnitOfWork {

    /**
     * Runs {@code work} in a transaction on the calling thread and commits when it returns. The work must not
     * hop threads: repositories join the transaction bound to this thread.
     *
     * @throws RuntimeException whatever {@code work} threw, after rolling back
     */
    <T> T inTransaction(Supplier<T> work);
}
