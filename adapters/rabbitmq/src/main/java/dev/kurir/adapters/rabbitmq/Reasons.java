package dev.kurir.adapters.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Method;
import com.rabbitmq.client.ShutdownSignalException;

/** Short, operator-readable reasons for client exceptions; never containing credentials. */
final class Reasons {
    private Reasons() {
    }

    static String of(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ShutdownSignalException shutdown) {
                return of(shutdown);
            }
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                return t.getMessage();
            }
        }
        return failure.getClass().getSimpleName();
    }

    static String of(ShutdownSignalException shutdown) {
        Method reason = shutdown.getReason();
        if (reason instanceof AMQP.Channel.Close close) {
            return close.getReplyText() + " (reply " + close.getReplyCode() + ")";
        }
        if (reason instanceof AMQP.Connection.Close close) {
            return close.getReplyText() + " (reply " + close.getReplyCode() + ")";
        }
        if (shutdown.getCause() != null && shutdown.getCause() != shutdown) {
            return of(shutdown.getCause());
        }
        return shutdown.isInitiatedByApplication() ? "closed by this process" : "closed";
    }

    /** A channel the broker closed for something a message did (404, 403, 406...) while the connection stays up. */
    static boolean isChannelFault(ShutdownSignalException shutdown) {
        return !shutdown.isHardError() && !shutdown.isInitiatedByApplication();
    }
}
