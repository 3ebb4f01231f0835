package dev.kurir.application.messaging;

import dev.kurir.application.messaging.port.out.BrokerUnavailableException;
import dev.kurir.application.messaging.port.out.DeadLetterQueue;
import dev.kurir.application.messaging.port.out.MessageAdminStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The operator's view of every outbox and inbox of the modules this process runs: list rows, count them by status,
 * and send FAILED rows round again once the cause is fixed, or discard them; and the dead-letter queue, browsed,
 * replayed or discarded from.
 */
public final class MessageAdministration {
    /** Which table of a module. */
    public enum Kind { OUTBOX, INBOX }

    public static final int MAX_LIMIT = 500;
    /** The longest reason a discard may be given. */
    public static final int MAX_DISCARD_REASON = 500;
    private static final Set<String> STATUSES = Set.of("PENDING", "SENT", "PROCESSED", "FAILED", "DISCARDED");
    private static final int RETRY_BATCH = 1000;

    /** FAILED rows of one reason (see {@link FailureReasons}), with the error text of the newest as an example. */
    public record FailureGroup(String reason, long rows, String exampleError) {
    }

    private final Map<String, Map<Kind, MessageAdminStore>> stores = new LinkedHashMap<>();
    private final Map<String, Runnable> wakeUps = new LinkedHashMap<>();
    private final int maxRetries;
    private Optional<DeadLetterQueue> deadLetters = Optional.empty();

    /** With the default retries (3), which decide how a FAILED inbox row is grouped. */
    public MessageAdministration() {
        this(3);
    }

    /** @param maxRetries the retries the inbox allows ({@link MessagingSettings#maxRetries()}) */
    public MessageAdministration(int maxRetries) {
        this.maxRetries = maxRetries;
    }

    /** Registers the dead-letter queue this process can reach. */
    public MessageAdministration deadLetters(DeadLetterQueue queue) {
        this.deadLetters = Optional.of(queue);
        return this;
    }

    /** Registers a module's tables and what wakes its workers after a retry. */
    public MessageAdministration register(String module, MessageAdminStore outbox, MessageAdminStore inbox,
                                          Runnable wakeUp) {
        stores.put(module, Map.of(Kind.OUTBOX, outbox, Kind.INBOX, inbox));
        wakeUps.put(module, wakeUp);
        return this;
    }

    public Set<String> modules() {
        return stores.keySet();
    }

    /** @throws IllegalArgumentException for an unknown module or status, or a limit out of range */
    public List<MessageAdminStore.Row> list(String module, Kind kind, Optional<String> status, int limit) {
        status.ifPresent(s -> {
            if (!STATUSES.contains(s)) {
                throw new IllegalArgumentException("status must be one of " + STATUSES + ", was " + s);
            }
        });
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT + ", was " + limit);
        }
        return store(module, kind).list(status, limit);
    }

    /** Rows per module, table and status. */
    public Map<String, Map<Kind, Map<String, Long>>> counts() {
        Map<String, Map<Kind, Map<String, Long>>> counts = new LinkedHashMap<>();
        stores.forEach((module, tables) -> {
            Map<Kind, Map<String, Long>> byKind = new LinkedHashMap<>();
            for (Kind kind : Kind.values()) {
                byKind.put(kind, tables.get(kind).countByStatus());
            }
            counts.put(module, byKind);
        });
        return counts;
    }

    /** @return false if the row does not exist or is not FAILED */
    public boolean retry(String module, Kind kind, long id) {
        boolean retried = store(module, kind).retry(id);
        if (retried) {
            wakeUps.get(module).run();
        }
        return retried;
    }

    public int retryAllFailed(String module, Kind kind) {
        int retried = store(module, kind).retryAllFailed();
        if (retried > 0) {
            wakeUps.get(module).run();
        }
        return retried;
    }

    /**
     * The normalised reason of a FAILED row, as the metrics count it: a publish failure by the publisher's wording, an
     * inbox failure by whether retries were left when it was given up on.
     */
    public String reasonOf(Kind kind, String error, int retryCount) {
        return kind == Kind.OUTBOX ? FailureReasons.ofPublish(error)
                : FailureReasons.ofGivenUpMessage(retryCount, maxRetries);
    }

    /** The FAILED rows of one table grouped by normalised reason, the largest group first. */
    public List<FailureGroup> failures(String module, Kind kind) {
        Map<String, long[]> counts = new LinkedHashMap<>();
        Map<String, String> examples = new LinkedHashMap<>();
        store(module, kind).forEachFailed(failure -> {
            String reason = reasonOf(kind, failure.error(), failure.retryCount());
            counts.computeIfAbsent(reason, r -> new long[1])[0]++;
            examples.put(reason, failure.error() == null ? "" : failure.error()); // oldest first: the newest stays
        });
        List<FailureGroup> groups = new ArrayList<>();
        counts.forEach((reason, n) -> groups.add(new FailureGroup(reason, n[0], examples.get(reason))));
        groups.sort(Comparator.comparingLong(FailureGroup::rows).reversed().thenComparing(FailureGroup::reason));
        return groups;
    }

    /** Retries every FAILED row of one table whose normalised reason is {@code reason}; returns how many. */
    public int retryFailed(String module, Kind kind, String reason) {
        MessageAdminStore store = store(module, kind);
        List<Long> ids = new ArrayList<>();
        store.forEachFailed(failure -> {
            if (reason.equals(reasonOf(kind, failure.error(), failure.retryCount()))) {
                ids.add(failure.id());
            }
        });
        int retried = 0;
        for (int from = 0; from < ids.size(); from += RETRY_BATCH) {
            retried += store.retry(ids.subList(from, Math.min(ids.size(), from + RETRY_BATCH)));
        }
        if (retried > 0) {
            wakeUps.get(module).run();
        }
        return retried;
    }

    /** @throws IllegalArgumentException for an unknown module */
    public Optional<MessageAdminStore.RowDetail> row(String module, Kind kind, long id) {
        return store(module, kind).find(id);
    }

    /**
     * Marks a FAILED row DISCARDED with who and why.
     *
     * @return false if the row does not exist or is not FAILED
     * @throws IllegalArgumentException for an unknown module, or a blank or too long reason
     */
    public boolean discard(String module, Kind kind, long id, String by, String reason) {
        if (reason == null || reason.isBlank() || reason.length() > MAX_DISCARD_REASON) {
            throw new IllegalArgumentException("a discard needs a reason of 1 to " + MAX_DISCARD_REASON
                    + " characters");
        }
        return store(module, kind).discard(id, by, reason.strip());
    }

    /** When the oldest PENDING row of one table was created; empty when none is PENDING. */
    public Optional<Instant> oldestPending(String module, Kind kind) {
        return store(module, kind).oldestPendingCreatedAt();
    }

    /** @throws IllegalStateException if no dead-letter queue was registered */
    public DeadLetterQueue.Browse browseDeadLetters(int limit) throws BrokerUnavailableException {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT + ", was " + limit);
        }
        return deadLetterQueue().browse(limit);
    }

    /** How many dead letters are queued; empty when the broker cannot be reached or none is registered. */
    public OptionalLong deadLetterDepth() {
        return deadLetters.map(DeadLetterQueue::depth).orElse(OptionalLong.empty());
    }

    public DeadLetterQueue.Outcome replayDeadLetter(String key) throws BrokerUnavailableException {
        return deadLetterQueue().replay(key);
    }

    public DeadLetterQueue.Outcome discardDeadLetter(String key) throws BrokerUnavailableException {
        return deadLetterQueue().discard(key);
    }

    private DeadLetterQueue deadLetterQueue() {
        return deadLetters.orElseThrow(() -> new IllegalStateException("no dead-letter queue is registered"));
    }

    private MessageAdminStore store(String module, Kind kind) {
        Map<Kind, MessageAdminStore> tables = stores.get(module);
        if (tables == null) {
            throw new IllegalArgumentException("module must be one of " + stores.keySet() + ", was " + module);
        }
        return tables.get(kind);
    }
}
