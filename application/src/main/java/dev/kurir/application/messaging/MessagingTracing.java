package dev.kurir.application.messaging;

import dev.kurir.application.messaging.handler.InboxMessage;

/**
 * Carries a request's trace through the inbox, so that the application needs no tracing library: the inbox worker
 * opens {@link #handling} around a message's handler, and both relay and inbox workers run their polling queries
 * in {@link #background}. Implementations must be quick and must not throw.
 */
public interface MessagingTracing {

    /** Traces nothing. */
    MessagingTracing NONE = new MessagingTracing() {
        @Override
        public Scope handling(InboxMessage message) {
            return Scope.NONE;
        }

        @Override
        public Scope background() {
            return Scope.NONE;
        }
    };

    /**
     * Makes the work on an inbox message current until the scope is closed: it continues the trace context stored
     * with the message, so that what the handler does (and the outbox rows it writes) belongs to that trace.
     */
    Scope handling(InboxMessage message);

    /** Marks the work until the scope is closed as background work, which must not show up as traces of its own. */
    Scope background();

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
