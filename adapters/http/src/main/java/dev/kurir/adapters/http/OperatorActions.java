package dev.kurir.adapters.http;

import dev.kurir.application.messaging.MessageAdministration;
import dev.kurir.application.messaging.MessageAdministration.Kind;
import dev.kurir.application.messaging.port.out.BrokerUnavailableException;
import dev.kurir.application.messaging.port.out.DeadLetterQueue.Outcome;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * The operator's changes that the admin API and the console share, each written to the audit log
 * ({@code dev.kurir.admin}) with who asked: {@code actor}, e.g. {@code admin-token@10.0.0.7} or
 * {@code console@10.0.0.7}. A failed action writes no audit line: nothing changed.
 */
final class OperatorActions {
    private static final Logger audit = LoggerFactory.getLogger("dev.kurir.admin");

    private final MessageAdministration admin;

    OperatorActions(MessageAdministration admin) {
        this.admin = admin;
    }

    /** @throws Problem 404 when no FAILED row has that id */
    void retry(String actor, String module, Kind kind, long id) {
        if (!admin.retry(module, kind, id)) {
            throw Problem.notFound("no FAILED " + table(kind) + " row " + id + " in " + module);
        }
        line(actor, "retry", module, kind, 1).addKeyValue("row_id", id).log("operator retried a FAILED row");
    }

    int retryAllFailed(String actor, String module, Kind kind) {
        int retried = admin.retryAllFailed(module, kind);
        line(actor, "retry-failed", module, kind, retried).log("operator retried all FAILED rows");
        return retried;
    }

    int retryFailed(String actor, String module, Kind kind, String reason) {
        int retried = admin.retryFailed(module, kind, reason);
        line(actor, "retry-failed", module, kind, retried).addKeyValue("reason", reason)
                .log("operator retried the FAILED rows of one reason");
        return retried;
    }

    /** @throws Problem 404 when no FAILED row has that id */
    void discard(String actor, String module, Kind kind, long id, String why) {
        if (!admin.discard(module, kind, id, actor, why)) {
            throw Problem.notFound("no FAILED " + table(kind) + " row " + id + " in " + module);
        }
        line(actor, "discard", module, kind, 1).addKeyValue("row_id", id).addKeyValue("why", why)
                .log("operator discarded a FAILED row");
    }

    /** @throws Problem 404 when no dead letter has that key, 409 when it cannot be replayed, 503 without broker */
    void replayDeadLetter(String actor, String key) {
        Outcome outcome = deadLetter(() -> admin.replayDeadLetter(key));
        switch (outcome) {
            case DONE -> audit.atInfo().addKeyValue("actor", actor).addKeyValue("action", "dead-letter-replay")
                    .addKeyValue("dead_letter", key).log("operator replayed a dead letter to its original exchange");
            case NOT_FOUND -> throw Problem.notFound("no dead letter " + key + " is queued");
            case NO_DESTINATION -> throw new Problem(ProblemType.NO_DESTINATION,
                    "the message names no original exchange; it stays in the dead-letter queue");
            case NOT_ROUTED -> throw new Problem(ProblemType.NOT_ROUTED,
                    "the broker routed the replay to no queue; the message stays in the dead-letter queue");
        }
    }

    /** @throws Problem 404 when no dead letter has that key, 503 without broker */
    void discardDeadLetter(String actor, String key, String why) {
        if (why == null || why.isBlank() || why.length() > MessageAdministration.MAX_DISCARD_REASON) {
            throw Problem.badRequest("a discard needs a reason of 1 to " + MessageAdministration.MAX_DISCARD_REASON
                    + " characters");
        }
        if (deadLetter(() -> admin.discardDeadLetter(key)) == Outcome.NOT_FOUND) {
            throw Problem.notFound("no dead letter " + key + " is queued");
        }
        audit.atInfo().addKeyValue("actor", actor).addKeyValue("action", "dead-letter-discard")
                .addKeyValue("dead_letter", key).addKeyValue("why", why.strip())
                .log("operator discarded a dead letter");
    }

    @FunctionalInterface
    interface BrokerCall<T> {
        T call() throws BrokerUnavailableException;
    }

    /** Runs a call on the broker; an unreachable broker is a 503 that names it. */
    static <T> T deadLetter(BrokerCall<T> call) {
        try {
            return call.call();
        } catch (BrokerUnavailableException e) {
            throw new Problem(ProblemType.BROKER_UNAVAILABLE, e.getMessage());
        }
    }

    static String table(Kind kind) {
        return kind.name().toLowerCase(Locale.ROOT);
    }

    private static LoggingEventBuilder line(String actor, String action, String module, Kind kind, int rows) {
        return audit.atInfo()
                .addKeyValue("actor", actor)
                .addKeyValue("action", action)
                .addKeyValue("module", module)
                .addKeyValue("table", table(kind))
                .addKeyValue("rows", rows);
    }
}
