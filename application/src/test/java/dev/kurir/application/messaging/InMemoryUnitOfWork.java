package dev.kurir.application.messaging;

import dev.kurir.application.shared.port.out.DatabaseUnavailableException;
import dev.kurir.application.shared.port.out.UnitOfWork;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Transactions in memory: writes made through {@link #write} inside {@link #inTransaction} take effect when the work
 * returns, and are dropped when it throws. Can act as a database that cannot be reached, or whose commit's outcome is
 * unknown.
 */
final class InMemoryUnitOfWork implements UnitOfWork {
    private final ThreadLocal<List<Runnable>> open = new ThreadLocal<>();
    volatile boolean unreachable;
    volatile boolean commitOutcomeUnknown;

    @Override
    public <T> T inTransaction(Supplier<T> work) {
        if (unreachable) {
            throw new DatabaseUnavailableException("the database cannot be reached: connection refused", null);
        }
        List<Runnable> writes = new ArrayList<>();
        open.set(writes);
        try {
            T result = work.get();
            if (commitOutcomeUnknown) {
                throw new CommitOutcomeUnknownException("the connection broke while committing", null);
            }
            writes.forEach(Runnable::run);
            return result;
        } finally {
            open.remove();
        }
    }

    /** Runs the action at the commit, after the writes; never when the work throws. */
    @Override
    public void afterCommit(Runnable action) {
        List<Runnable> writes = open.get();
        if (writes == null) {
            throw new IllegalStateException("no transaction is open on this thread");
        }
        writes.add(action);
    }

    /** Applies {@code change} at the commit of the transaction open on this thread, or at once when none is. */
    void write(Runnable change) {
        List<Runnable> writes = open.get();
        if (writes == null) {
            change.run();
        } else {
            writes.add(change);
        }
    }
}
