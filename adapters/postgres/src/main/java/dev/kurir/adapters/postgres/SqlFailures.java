package dev.kurir.adapters.postgres;

import dev.kurir.application.shared.port.out.DatabaseUnavailableException;
import dev.kurir.application.shared.port.out.UnitOfWork.CommitOutcomeUnknownException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.Optional;

/** What a failed statement says, read from the SQLSTATE of the {@link SQLException} among its causes. */
final class SqlFailures {
    private SqlFailures() {
    }

    /**
     * The database is away, not the statement wrong: a pool time-out, SQLSTATE class 08 (connection exception) or
     * 57P (the server shutting down or terminating sessions).
     */
    static boolean isConnectionFailure(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientConnectionException) {
                return true;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("57P"))) {
                return true;
            }
        }
        return false;
    }

    /**
     * The database refused the data itself, so the same write would fail again: SQLSTATE class 22 (data exception: a
     * character the column cannot hold, a value too long or out of range), 23502 (a NOT NULL column without a value) or
     * 23514 (a CHECK constraint). Not the rest of class 23: the inbox insert has {@code ON CONFLICT (message_id)}, so a
     * unique, foreign-key or exclusion violation there says the database is wrong (e.g. a sequence behind its table
     * after a restore), not the message, and must not dead-letter every delivery.
     */
    static Optional<SQLException> refusedData(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null && isRefusedData(sql.getSQLState())) {
                return Optional.of(sql);
            }
        }
        return Optional.empty();
    }

    private static boolean isRefusedData(String sqlState) {
        return sqlState.startsWith("22") || sqlState.equals("23502") || sqlState.equals("23514");
    }

    /** The failure as a {@link DatabaseUnavailableException} when it is a connection failure; otherwise as it is. */
    static RuntimeException unavailableOr(RuntimeException failure) {
        if (failure instanceof DatabaseUnavailableException || failure instanceof CommitOutcomeUnknownException
                || !isConnectionFailure(failure)) {
            return failure;
        }
        return new DatabaseUnavailableException("the database cannot be reached: " + firstLine(firstSql(failure)),
                failure);
    }

    /**
     * The server's first line and the SQLSTATE, e.g. {@code unsupported Unicode escape sequence (SQLSTATE 22P05)}:
     * without the detail lines, which quote the data.
     */
    static String describe(SQLException sql) {
        return firstLine(sql).replaceFirst("^ERROR: ", "") + " (SQLSTATE " + sql.getSQLState() + ")";
    }

    private static Throwable firstSql(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException) {
                return t;
            }
        }
        return failure;
    }

    private static String firstLine(Throwable failure) {
        String message = failure.getMessage() == null ? failure.getClass().getName() : failure.getMessage();
        int end = message.indexOf('\n');
        return end < 0 ? message : message.substring(0, end);
    }
}
