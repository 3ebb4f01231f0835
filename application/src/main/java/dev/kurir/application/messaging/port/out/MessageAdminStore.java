package dev.kurir.application.messaging.port.out;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** What an operator may see and do with one module's outbox or inbox table. Each call commits on its own. */
public interface MessageAdminStore {

    /** A row as an operator sees it. */
    record Row(long id, UUID messageId, String eventType, String status, int retryCount, String error,
               String lockedBy, Instant createdAt, Instant updatedAt, Instant nextAttemptAt) {
    }

    /** The newest rows first, optionally of one status. */
    List<Row> list(Optional<String> status, int limit);

    /** Rows per status. */
    Map<String, Long> countByStatus();

    /** Puts one FAILED row back to PENDING with {@code retry_count} 0; false if no FAILED row has that id. */
    boolean retry(long id);

    /** Puts every FAILED row back to PENDING with {@code retry_count} 0; returns how many. */
    int retryAllFailed();
}
