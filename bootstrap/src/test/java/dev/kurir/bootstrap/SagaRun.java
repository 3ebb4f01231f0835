package dev.kurir.bootstrap;

import dev.kurir.testing.TestBroker;
import dev.kurir.testing.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Jdbi;

/**
 * One run of the invariant test: a kurir of its own (its own database and vhost, a short saga deadline, quick
 * retries), the random steps of {@link SagaSteps}, then quiescence, an operator's retry of FAILED rows, quiescence
 * again, and {@link SagaInvariants}.
 */
final class SagaRun {
    /** Figures that count injected faults (the others count the business steps). */
    private static final Set<String> FAULT_PREFIXES = Set.of("fault_", "kill_sessions", "lease_expiry", "partition_",
            "nack_", "overtake", "republish_same_id", "copy_new_id", "poison", "deadline_passed");
    private static final String TABLES_PENDING = """
            SELECT (SELECT count(*) FROM orders.outbox WHERE status = 'PENDING')
                 + (SELECT count(*) FROM items.outbox WHERE status = 'PENDING')
                 + (SELECT count(*) FROM orders.inbox WHERE status = 'PENDING')
                 + (SELECT count(*) FROM items.inbox WHERE status = 'PENDING')
                 + (SELECT count(*) FROM orders.orders WHERE status = 'PENDING')
                 + (SELECT count(*) FROM orders.outbox o WHERE o.status = 'SENT'
                    AND NOT EXISTS (SELECT 1 FROM items.inbox i WHERE i.message_id = o.message_id))
                 + (SELECT count(*) FROM items.outbox o WHERE o.status = 'SENT'
                    AND NOT EXISTS (SELECT 1 FROM orders.inbox i WHERE i.message_id = o.message_id))""";
    private static final List<String> MESSAGE_TABLES = List.of("orders.outbox", "items.outbox", "orders.inbox",
            "items.inbox");

    /**
     * @param steps         random steps in the run
     * @param kurirDeadline KURIR_ORDER_DEADLINE
     * @param deadline      the deadline the steps and the checker expect (the same, unless a variant breaks it)
     * @param settleTimeout how long to wait for quiescence, each of the two times
     * @param faults        whether statements fail and sessions are killed
     * @param rebindItems   false to keep {@code items.order-events} unbound for the whole run
     * @param breakage      a deliberate bug installed into the database before the steps, or nothing
     */
    record Options(int steps, String kurirDeadline, Duration deadline, Duration settleTimeout, boolean faults,
                   boolean rebindItems, Consumer<Jdbi> breakage) {

        static Options standard(int steps) {
            return new Options(steps, "3s", Duration.ofSeconds(3), Duration.ofSeconds(45), true, true, jdbi -> { });
        }

        Options broken(Consumer<Jdbi> bug) {
            return new Options(steps, kurirDeadline, deadline, settleTimeout, faults, rebindItems, bug);
        }

        Options withoutFaults() {
            return new Options(steps, kurirDeadline, deadline, settleTimeout, false, rebindItems, breakage);
        }

        Options settlingWithin(Duration timeout) {
            return new Options(steps, kurirDeadline, deadline, timeout, faults, rebindItems, breakage);
        }

        Options neverEnding() {
            return new Options(steps, "1h", deadline, settleTimeout, faults, false, breakage);
        }
    }

    /** What a run did and what the checker found. */
    record Result(long seed, Map<String, Integer> figures, List<SagaInvariants.Violation> violations,
                  List<String> log, Duration took) {

        int faults() {
            return figures.entrySet().stream().filter(e -> isFault(e.getKey())).mapToInt(Map.Entry::getValue).sum();
        }

        String summary() {
            String faultsByKind = figures.entrySet().stream().filter(e -> isFault(e.getKey()))
                    .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" "));
            String rest = figures.entrySet().stream().filter(e -> !isFault(e.getKey()))
                    .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" "));
            return String.format(Locale.ROOT, "INVARIANT seed=%d %s faults=%d (%s) violations=%d seconds=%.1f", seed,
                    rest, faults(), faultsByKind, violations.size(), took.toMillis() / 1000.0);
        }

        /** Everything needed to understand and replay a failing run. */
        String report() {
            return summary() + "\nreplay: -Dkurir.invariant.seed=" + seed + " -Dkurir.invariant.runs=1\nviolations:\n  "
                    + violations.stream().map(Object::toString).collect(Collectors.joining("\n  "))
                    + "\nsteps:\n  " + String.join("\n  ", log);
        }
    }

    private SagaRun() {
    }

    static Result run(long seed, Options options) {
        Instant started = Instant.now();
        try (TestDatabase database = TestDatabase.create(); TestBroker broker = TestBroker.create()) {
            Map<String, String> env = RunningKurir.environment(database, broker);
            env.put("KURIR_ORDER_DEADLINE", options.kurirDeadline());
            env.put("KURIR_RETRY_BACKOFF", "100ms");
            env.put("KURIR_POLL_INTERVAL", "200ms");
            env.put("KURIR_MAX_RETRIES", "5");
            // The embedded broker cannot restart; RabbitMQ can, and rabbitmqctl sets its policies.
            try (Kurir kurir = Kurir.start(KurirConfig.from(env));
                 BrokerControl control = new BrokerControl(broker.amqpUri(), broker.canRestart())) {
                Jdbi jdbi = Jdbi.create(database.dataSource());
                TestFaults faults = TestFaults.install(jdbi);
                options.breakage().accept(jdbi);
                SagaSteps steps = new SagaSteps(seed, new SagaSteps.Settings(options.deadline(), options.faults(),
                        options.rebindItems()), kurir.apiPort(), jdbi, control, faults);
                steps.createItems();
                steps.run(options.steps());

                Map<String, Integer> figures = new TreeMap<>(steps.figures());
                settle(jdbi, control, options.settleTimeout(), steps);
                int failed = retryFailedRows(jdbi, steps);
                figures.put("failed_rows_retried", failed);
                if (failed > 0) {
                    settle(jdbi, control, options.settleTimeout(), steps);
                }
                List<SagaInvariants.Violation> violations = new ArrayList<>(new SagaInvariants(jdbi, control)
                        .check(new SagaInvariants.Expected(steps.initialStock, steps.restocked, steps.answered,
                                steps.injected)));
                steps.unexpected.forEach(what -> violations.add(new SagaInvariants.Violation("api", what)));
                outcomes(jdbi, control, figures);
                steps.note("checked");
                return new Result(seed, figures, violations, steps.log(), Duration.between(started, Instant.now()));
            }
        }
    }

    /**
     * Waits until nothing is left to do: no PENDING row, no PENDING order, every SENT message in its inbox, both
     * queues empty, three times in a row. Leases left by a worker whose settling statement failed are expired after
     * 2 s (they would otherwise hold their rows for the whole lease timeout).
     */
    private static void settle(Jdbi jdbi, BrokerControl broker, Duration timeout, SagaSteps steps) {
        Instant end = Instant.now().plus(timeout);
        Instant from = Instant.now();
        int quietRounds = 0;
        while (Instant.now().isBefore(end)) {
            expireStaleLeases(jdbi);
            long left = jdbi.withHandle(handle -> handle.createQuery(TABLES_PENDING).mapTo(Long.class).one());
            boolean quiet = left == 0 && broker.ready(BrokerControl.ITEMS_QUEUE) == 0
                    && broker.ready(BrokerControl.ORDERS_QUEUE) == 0;
            quietRounds = quiet ? quietRounds + 1 : 0;
            if (quietRounds == 3) {
                steps.note("quiet after " + Duration.between(from, Instant.now()).toMillis() + " ms");
                return;
            }
            sleep(Duration.ofMillis(300));
        }
        steps.note("not quiet within " + timeout.toSeconds() + " s");
    }

    private static void expireStaleLeases(Jdbi jdbi) {
        for (String table : MESSAGE_TABLES) {
            jdbi.useHandle(handle -> handle.execute("UPDATE " + table + " SET locked_at = now() - interval '1 hour' "
                    + "WHERE status = 'PENDING' AND locked_by IS NOT NULL AND locked_at < now() - interval '2 seconds'"));
        }
    }

    /** What an operator does with FAILED rows (the operator API's retry): due again, attempts reset. */
    private static int retryFailedRows(Jdbi jdbi, SagaSteps steps) {
        int retried = 0;
        for (String table : MESSAGE_TABLES) {
            List<String> errors = jdbi.withHandle(handle -> handle.createQuery("SELECT event_type || ': ' || "
                            + "coalesce(error, '') FROM " + table + " WHERE status = 'FAILED' ORDER BY id")
                    .mapTo(String.class).list());
            errors.forEach(error -> steps.note("operator retries FAILED " + table + " row, " + error));
            retried += jdbi.withHandle(handle -> handle.execute("UPDATE " + table + " SET status = 'PENDING', "
                    + "retry_count = 0, next_attempt_at = now(), locked_by = NULL, locked_at = NULL, updated_at = now() "
                    + "WHERE status = 'FAILED'"));
        }
        return retried;
    }

    private static void outcomes(Jdbi jdbi, BrokerControl broker, Map<String, Integer> figures) {
        jdbi.useHandle(handle -> handle.createQuery("SELECT lower(status::text), count(*) FROM orders.orders GROUP BY 1")
                .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getInt(2)))
                .forEach(entry -> figures.put(entry.getKey(), entry.getValue())));
        figures.put("cancelled_by_deadline", jdbi.withHandle(handle -> handle.createQuery(
                "SELECT count(*) FROM orders.orders WHERE cancellation_reason = 'deadline exceeded'")
                .mapTo(Integer.class).one()));
        figures.put("dead_lettered", broker.deadLetteredMessageIds().size());
    }

    private static boolean isFault(String figure) {
        return FAULT_PREFIXES.stream().anyMatch(figure::startsWith);
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
