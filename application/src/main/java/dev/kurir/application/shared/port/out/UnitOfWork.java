package dev.kurir.application.shared.port.out;

import java.util.function.Supplier;

/** Runs work in one database transaction: everything it writes commits together or not at all. */
public interface UnitOfWork {

    /**
     * Runs {@code work} in a transaction on the calling thread and commits when it returns. The work must not
     * hop threads: repositories join the transaction bound to this thread.
     *
     * @throws RuntimeException whatever {@code work} threw, after rolling back
     * @throws DatabaseUnavailableException if no connection could be had, or the connection broke before the commit
     * @throws CommitOutcomeUnknownException if {@code work} returned but the connection to the database broke while
     *                                       committing: the transaction may or may not have been committed
     */
    <T> T inTransaction(Supplier<T> work);

    /**
     * Runs {@code action} once the transaction open on this thread has committed; never when it rolls back. The
     * action runs on the committing thread after the commit, so it must not throw: nothing can undo the commit.
     *
     * @throws IllegalStateException if no transaction is open on this thread
     */
    void afterCommit(Runnable action);

    /**
     * The connection to the database broke while a transaction was committing, so it may or may not have been
     * committed: unlike a failure before the commit, the caller cannot say that nothing was written.
     */
    final class CommitOutcomeUnknownException extends RuntimeException {
        public CommitOutcomeUnknownException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
