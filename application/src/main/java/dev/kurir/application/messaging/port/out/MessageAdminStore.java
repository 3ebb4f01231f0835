package dev.kurir.application.messaging.port.out;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

/** What an operator may see and do with one module's outbox or inbox table. Each call commits on its own. */
public interface MessageAdminStore {

    /** A row as an operator sees it. */
    record Row(long id, UUID messageId, String eventType, String status, int retryCount, String error,
               String lockedBy, Instant createdAt, Instant updatedAt, Instant nextAttemptAt) {
    }

    /**
     * A row with what it carries: the payload (JSON text), where it goes or came from, its trace context, and for a
     * DISCARDED row who discarded it, when and why.
     *
     * @param senderId empty for an outbox row
     */
    record RowDetail(Row row, String payloadJson, String exchange, String routingKey, Optional<String> senderId,
                     Optional<String> traceparent, Optional<Discard> discard) {
    }

    /** Who discarded a FAILED row, when and why. */
    record Discard(String by, Instant at, String reason) {
    }

    /** What grouping a FAILED row by its reason needs. */
    record Failure(long id, String error, int retryCount) {
    }

    /** The newest rows first, optionally of one status. */
    List<Row> list(Optional<String> status, int limit);

    /** Rows per status. */
    Map<String, Long> countByStatus();

    /** Puts one FAILED row back to PENDING with {@code retry_count} 0; false if no FAILED row has that id. */
    boolean retry(long id);

    /** Puts every FAILED row back to PENDING with {@code retry_count} 0; returns how many. */
    int retryAllFailed();

    /** One row with its payload; empty if there is none with that id. */
    Optional<RowDetail> find(long id);

    /**
     * Hands every FAILED row's id, error and retry count to {@code action}, oldest first, one at a time (the rows are
     * streamed, never all held at once).
     */
    void forEachFailed(Consumer<Failure> action);

    /** Puts those of {@code ids} that are FAILED back to PENDING as {@link #retry(long)} does; returns how many. */
    int retry(List<Long> ids);

    /**
     * Marks a FAILED row DISCARDED with who discarded it and why; the row stays until the retention deletes it as it
     * deletes settled rows. False if no FAILED row has that id.
     */
    boolean discard(long id, String by, String reason);

    /** When the oldest PENDING row was created; empty when no row is PENDING. */
    Optional<Instant> oldestPendingCreatedAt();
}
