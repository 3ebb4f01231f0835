package dev.kurir.adapters.postgres;

import dev.kurir.application.shared.port.out.UnitOfWork;
import java.sql.SQLException;
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
            if (committing[0] && connectionBroke(e)) {
                // The COMMIT may have reached the server before the connection broke: nobody can say it did not.
                throw new CommitOutcomeUnknownException("the connection broke while committing: " + e.getMessage(), e);
            }
            throw e;
        }
    }

    /** SQLSTATE class 08 (connection exception) or 57P (e.g. the server shutting down and terminating sessions). */
    private static boolean connectionBroke(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("57P"))) {
                return true;
            }
        }
        return false;
    }
}
