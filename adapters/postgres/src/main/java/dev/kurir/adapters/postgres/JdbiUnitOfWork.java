package dev.kurir.adapters.postgres;

import dev.kurir.application.shared.port.out.UnitOfWork;
import java.util.function.Supplier;
import org.jdbi.v3.core.Jdbi;

/**
 * A transaction on the calling thread. Repositories and the outbox call {@code jdbi.useHandle}, which Jdbi
 * answers with the handle already open on this thread, so they all join this transaction.
 */
public final class JdbiUnitOfWork implements UnitOfWork {
    private final Jdbi jdbi;

    public JdbiUnitOfWork(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** Jdbi runs the action on the handle's commit; the handle is the one {@code inTransaction} opened. */
    @Override
    public void afterCommit(Runnable action) {
        jdbi.useHandle(handle -> {
            if (!handle.isInTransaction()) {
                throw new IllegalStateException("afterCommit needs the transaction open on this thread");
            }
            handle.afterCommit(action);
        });
    }

    @Override
    public <T> T inTransaction(Supplier<T> work) {
        boolean[] committing = {false};
        try {
            return jdbi.inTransaction(handle -> {
                T result = work.get();
                committing[0] = true;
                return result;
            });
        } catch (RuntimeException e) {
            if (committing[0] && SqlFailures.isConnectionFailure(e)) {
                // The COMMIT may have reached the server before the connection broke: nobody can say it did not.
                throw new CommitOutcomeUnknownException("the connection broke while committing: " + e.getMessage(), e);
            }
            throw SqlFailures.unavailableOr(e);
        }
    }
}
