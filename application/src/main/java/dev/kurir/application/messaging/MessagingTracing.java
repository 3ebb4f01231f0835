package dev.kurir.application.messaging;

import dev.kurir.application.messaging.handler.InboxMessage;
import dev.kurir.application.messaging.port.out.OutboundMessage;

/**
 * Carries a request's trace through the outbox and the inbox, so that neither the application nor the adapters need
 * a tracing library: the outbox writer stores {@link #currentTraceparent} with each row, the broker adapter publishes
 * a row in {@link #publishing} and stores the context of a delivery it received from {@link #currentTraceparent}, the
 * inbox worker opens {@link #handling} around a message's handler, and both relay and inbox workers run their polling
 * queries in {@link #background}. Implementations must be quick and must not throw.
 */
public interface MessagingTracing {

    /** Traces nothing. */
    MessagingTracing NONE = reporting(null);

    /**
     * Traces nothing, and reports {@code traceparent} as the current context: {@link #NONE} with none, or a stand-in
     * for the agent's current span where a test needs one.
     */
    static MessagingTracing reporting(String traceparent) {
        return new MessagingTracing() {
            @Override
            public Scope handling(InboxMessage message) {
                return Scope.NONE;
            }

            @Override
            public Scope background() {
                return Scope.NONE;
            }

            @Override
            public String currentTraceparent() {
                return traceparent;
            }

            @Override
            public Scope publishing(OutboundMessage message) {
                return Scope.NONE;
            }
        };
    }

    /**
     * Makes the work on an inbox message current until the scope is closed: it continues the trace context stored
     * with the message, so that what the handler does (and the outbox rows it writes) belongs to that trace.
     */
    Scope handling(InboxMessage message);

    /** Marks the work until the scope is closed as background work, which must not show up as traces of its own. */
    Scope background();

    /**
     * The current trace context as a W3C {@code traceparent}, e.g.
     * {@code 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01}, to store with an outbox or inbox row.
     *
     * @return null when no trace is current
     */
    String currentTraceparent();

    /**
     * Makes the context stored with an outbox row current until the scope is closed, around the row's publication,
     * so that what the broker client records (and the context it sends along) belongs to the row's trace.
     */
    Scope publishing(OutboundMessage message);

    /** Open until closed, on the thread that opened it. */
    interface Scope extends AutoCloseable {
        /** A scope that records nothing. */
        Scope NONE = () -> { };

        /** The work in this scope failed, for the reason given. */
        default void failed(String reason) {
        }

        @Override
        void close();
    }
}
