package dev.kurir.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kurir.bootstrap.OrderLoad.Attempt;
import dev.kurir.bootstrap.OrderLoad.Outcome;
import dev.kurir.testing.Prerequisite;
import dev.kurir.testing.TestBroker;
import dev.kurir.testing.TestDatabase;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

/**
 * The outbox's promise under faults: the shipped jar takes a steady stream of orders while it is killed with SIGKILL
 * and restarted, RabbitMQ is stopped and started, PostgreSQL is stopped and started, messages arrive twice and poison
 * messages arrive; once the system drained, no accepted order was lost and nothing took effect twice.
 *
 * <p>The figures are system properties {@code kurir.faults.*}; the defaults are the short run of the normal build,
 * and the {@code faults} profile of this module runs it alone with the full figures (docs/reliability.md). It needs
 * the local RabbitMQ ({@code rabbitmqctl stop_app}/{@code start_app}) and the local Debian PostgreSQL
 * ({@code pg_ctlcluster stop}/{@code start}); both are shared by everything on the machine and are always started
 * again. Without them the test is skipped, or fails when {@code CI=true}.
 */
class FaultInjectionIT {
    private static final Duration READY = Duration.ofSeconds(60);
    /** After a fault, the first requests may still meet its effects (e.g. a pooled connection it broke). */
    private static final Duration GRACE = Duration.ofSeconds(3);
    private static final Path TARGET = Path.of("target");
    private static final List<String> LOAD_SKUS = List.of("FAULT-PLENTY", "FAULT-SCARCE", "FAULT-COMMON");

    private final int killCycles = Integer.getInteger("kurir.faults.killCycles", 2);
    private final int brokerOutageSeconds = Integer.getInteger("kurir.faults.brokerOutageSeconds", 8);
    /** Longer than the pool's 3 s connection time-out, so that requests meet the outage rather than wait it out. */
    private final int postgresOutageSeconds = Integer.getInteger("kurir.faults.postgresOutageSeconds", 4);
    private final int steadySeconds = Integer.getInteger("kurir.faults.steadySeconds", 3);
    private final double ordersPerSecond = Double.parseDouble(System.getProperty("kurir.faults.ordersPerSecond", "30"));
    private final int drainSeconds = Integer.getInteger("kurir.faults.drainSeconds", 120);
    private final long seed = Long.getLong("kurir.faults.seed", System.nanoTime());

    /** When a fault was on, including its grace: the answers it excuses are expected then only. */
    private record Window(String fault, Instant from, Instant to) {

        boolean covers(Attempt attempt) {
            return attempt.overlaps(from, to);
        }
    }

    private final List<Window> windows = new ArrayList<>();
    private final Map<String, Integer> faults = new LinkedHashMap<>();
    private final List<String> violations = new ArrayList<>();
    private final List<KurirProcess> processes = new ArrayList<>();
    private Map<String, String> env;
    private TestBroker broker;
    private Jdbi jdbi;

    @Test
    void underKillsAndOutages_noAcceptedOrderIsLost_andNothingTakesEffectTwice() throws Exception {
        Instant began = Instant.now();
        try (TestDatabase database = TestDatabase.create(); TestBroker testBroker = TestBroker.create()) {
            broker = testBroker;
            Optional<LocalPostgres> postgres = LocalPostgres.serving(database.dataSource());
            Prerequisite.require(broker.canRestart(), "the fault-injection suite", "a RabbitMQ that rabbitmqctl can stop and start (KURIR_TEST_AMQP_URI, "
                    + "rabbitmqctl on the PATH); the embedded broker keeps messages in memory only");
            Prerequisite.require(postgres.isPresent(), "the fault-injection suite", "the local Debian PostgreSQL (KURIR_TEST_DB_URL, pg_ctlcluster on the PATH)");
            jdbi = Jdbi.create(database.dataSource());
            env = env(database, broker);
            clearKeptLogs();
            try {
                run(postgres.orElseThrow(), began);
            } finally {
                if (!processes.isEmpty()) {
                    keepLog(processes.getLast());
                }
            }
        }
    }

    private void run(LocalPostgres postgres, Instant began) throws Exception {
        HttpClientSupport api = new HttpClientSupport(start().apiPort);
        // PLENTY never runs out, SCARCE soon and COMMON later: orders are both confirmed and rejected, and a
        // reservation applied twice (or lost) shows in the stock.
        Map<String, Integer> initialStock = new LinkedHashMap<>();
        initialStock.put("FAULT-PLENTY", 1_000_000);
        initialStock.put("FAULT-SCARCE", (int) (10 * ordersPerSecond));
        initialStock.put("FAULT-COMMON", (int) (60 * ordersPerSecond));
        initialStock.put(InjectedMessages.DUPLICATE_SKU, InjectedMessages.DUPLICATE_SKU_STOCK);
        initialStock.forEach((sku, stock) -> createItem(api, sku, stock));
        String parameters = String.format(Locale.ROOT, "killCycles=%d brokerOutageSeconds=%d postgresOutageSeconds=%d "
                        + "steadySeconds=%d ordersPerSecond=%s seed=%d", killCycles, brokerOutageSeconds,
                postgresOutageSeconds, steadySeconds, ordersPerSecond, seed);
        System.out.println("FAULTS starting: " + parameters);

        List<Attempt> attempts;
        InjectedMessages injected;
        Instant loadStarted = Instant.now();
        try (OrderLoad load = OrderLoad.start(processes.getLast().apiPort, LOAD_SKUS, ordersPerSecond, seed)) {
            steady();
            for (int cycle = 1; cycle <= killCycles; cycle++) {
                killAndRestart();
                steady();
            }
            brokerOutage();
            steady();
            Window postgresDown = postgresOutage(postgres);
            steady();
            injected = injectMessages(load.attempts());
            steady();
            attempts = load.stop();
            checkAnswersWhilePostgresWasDown(attempts, postgresDown);
        }
        Duration loaded = Duration.between(loadStarted, Instant.now());
        SagaDrain saga = new SagaDrain(jdbi, jdbi, broker.amqpUri());
        Optional<Duration> drain = saga.await(Duration.ofSeconds(drainSeconds));
        if (drain.isEmpty()) {
            violations.add("not drained within " + drainSeconds + " s: " + saga.left());
        }
        SagaLedger ledger = SagaLedger.check(jdbi, attempts, initialStock, Set.of(injected.orderId()),
                Set.of(injected.messageId()));
        violations.addAll(ledger.violations());
        violations.addAll(injected.check(jdbi));
        checkOrdersAcceptedWhileBrokerWasDown(attempts);
        List<Attempt> unexpected = unexpected(attempts);
        int unexpectedCount = unexpected.size() + ledger.writtenDespiteError();

        Map<Outcome, Long> outcomes = new EnumMap<>(Outcome.class);
        attempts.forEach(a -> outcomes.merge(a.outcome(), 1L, Long::sum));
        long requests = attempts.stream().map(Attempt::customerId).distinct().count();
        // orders= counts requests; the outcomes count attempts, retries with the same Idempotency-Key included.
        String summary = String.format(Locale.ROOT, "FAULTS orders=%d accepted=%d confirmed=%d rejected=%d "
                        + "unavailable_503=%d outcome_unknown_503=%d refused=%d broken=%d retried_with_key=%d "
                        + "committed_without_201=%d faults=%d (%s) lost=%d duplicated=%d "
                        + "failed_rows=%d retried_rows=%d unexpected_responses=%d drain_seconds=%s run_seconds=%d",
                requests, outcomes.getOrDefault(Outcome.ACCEPTED, 0L), ledger.confirmed(), ledger.rejected(),
                outcomes.getOrDefault(Outcome.UNAVAILABLE, 0L), outcomes.getOrDefault(Outcome.OUTCOME_UNKNOWN, 0L),
                outcomes.getOrDefault(Outcome.CONNECTION_REFUSED, 0L), outcomes.getOrDefault(Outcome.CONNECTION_BROKEN, 0L),
                attempts.size() - requests,
                ledger.committedWithout201(), faults.values().stream().mapToInt(Integer::intValue).sum(),
                faults.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" ")),
                ledger.lost(), ledger.duplicated(), ledger.failedRows(), ledger.retriedRows(), unexpectedCount,
                drain.map(d -> String.format(Locale.ROOT, "%.1f", d.toMillis() / 1000.0)).orElse(">" + drainSeconds),
                Duration.between(began, Instant.now()).toSeconds());
        List<String> report = new ArrayList<>(List.of(summary,
                "parameters: " + parameters + " load_seconds=" + loaded.toSeconds()));
        windows.forEach(w -> report.add("fault " + w.fault() + ": " + w.from() + " .. " + w.to()));
        unexpected.stream().limit(20).forEach(a -> report.add("unexpected: " + a.customerId() + " sent " + a.sentAt()
                + ", answered " + a.answeredAt() + ": " + a.detail()));
        ledger.notes().forEach(note -> report.add("note: " + note));
        violations.forEach(v -> report.add("violation: " + v));
        Files.createDirectories(TARGET);
        Files.write(TARGET.resolve("faults-summary.txt"), report);
        report.forEach(System.out::println);

        String details = "\n" + String.join("\n", report) + "\n(also in target/faults-summary.txt; the kurir logs "
                + "are in target/faults/)";
        assertEquals(0, ledger.lost(), "lost" + details);
        assertEquals(0, ledger.duplicated(), "duplicated" + details);
        assertEquals(0, unexpectedCount, "unexpected responses" + details);
        assertTrue(violations.isEmpty(), "violations" + details);
    }

    // ---- the faults

    private void killAndRestart() {
        Instant from = Instant.now();
        KurirProcess killed = processes.getLast();
        killed.kill();
        keepLog(killed);
        start();
        windows.add(new Window("kill9", from, Instant.now().plus(GRACE)));
        faults.merge("kill9", 1, Integer::sum);
    }

    private void brokerOutage() {
        Instant from = Instant.now();
        Thread startOnExit = new Thread(broker::start, "start-rabbitmq-on-exit");
        Runtime.getRuntime().addShutdownHook(startOnExit);
        try {
            broker.stop();
            sleep(Duration.ofSeconds(brokerOutageSeconds));
        } finally {
            broker.start();
            Runtime.getRuntime().removeShutdownHook(startOnExit);
        }
        windows.add(new Window("broker", from, Instant.now()));
        faults.merge("broker", 1, Integer::sum);
    }

    /** Returns when PostgreSQL was certainly down: a request sent then cannot have reached it at once. */
    private Window postgresOutage(LocalPostgres postgres) {
        Instant from = Instant.now();
        Instant down = from;
        Instant up;
        try {
            postgres.stop();
            down = Instant.now();
            sleep(Duration.ofSeconds(postgresOutageSeconds));
        } finally {
            up = Instant.now();
            postgres.start();
        }
        processes.getLast().awaitReady(READY);
        windows.add(new Window("postgres", from, Instant.now().plus(GRACE)));
        faults.merge("postgres", 1, Integer::sum);
        return new Window("postgres-down", down, up);
    }

    private InjectedMessages injectMessages(List<Attempt> answeredSoFar) throws Exception {
        String replayed = answeredSoFar.stream().filter(a -> a.outcome() == Outcome.ACCEPTED).map(Attempt::orderId)
                .findFirst().orElseThrow(() -> new AssertionError("no order was accepted before the faults"));
        Eventually.await("order " + replayed + " answered by the items module", READY,
                () -> jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM items.outbox WHERE payload->>'order_id' = ?")
                        .bind(0, replayed).mapTo(Long.class).one()) > 0);
        InjectedMessages injected = InjectedMessages.publish(jdbi, broker.amqpUri(), replayed);
        faults.merge("duplicate", injected.duplicates(), Integer::sum);
        faults.merge("poison", injected.poisonMessages(), Integer::sum);
        return injected;
    }

    // ---- what the clients were answered

    /** While PostgreSQL was down, a request is answered 503 problem+json at once (or 201 if it outlived the outage). */
    private void checkAnswersWhilePostgresWasDown(List<Attempt> attempts, Window down) {
        List<Attempt> during = attempts.stream()
                .filter(a -> !a.sentAt().isBefore(down.from()) && !a.sentAt().isAfter(down.to())).toList();
        long unavailable = during.stream()
                .filter(a -> a.outcome() == Outcome.UNAVAILABLE || a.outcome() == Outcome.OUTCOME_UNKNOWN).count();
        List<Attempt> other = during.stream().filter(a -> a.outcome() != Outcome.UNAVAILABLE
                && a.outcome() != Outcome.OUTCOME_UNKNOWN && a.outcome() != Outcome.ACCEPTED).toList();
        long slowest = during.stream().mapToLong(a -> Duration.between(a.sentAt(), a.answeredAt()).toMillis()).max()
                .orElse(0);
        System.out.printf(Locale.ROOT, "FAULTS postgres down %.1f s: %d request(s) sent, %d answered 503 "
                        + "problem+json, slowest answer %d ms%n", Duration.between(down.from(), down.to()).toMillis()
                        / 1000.0, during.size(), unavailable, slowest);
        if (unavailable == 0) {
            violations.add("none of the " + during.size() + " request(s) sent while PostgreSQL was down was answered "
                    + "503 problem+json: " + during.stream().limit(5).map(Attempt::detail).toList());
        }
        if (!other.isEmpty()) {
            violations.add(other.size() + " request(s) sent while PostgreSQL was down got neither 503 problem+json "
                    + "nor 201: " + other.stream().limit(5).map(Attempt::detail).toList());
        }
    }

    /** Placing an order needs PostgreSQL only: the API keeps accepting orders while the broker is away. */
    private void checkOrdersAcceptedWhileBrokerWasDown(List<Attempt> attempts) {
        boolean accepted = attempts.stream()
                .anyMatch(a -> a.outcome() == Outcome.ACCEPTED && during(a, "broker"));
        if (!accepted) {
            violations.add("no order was accepted while RabbitMQ was down");
        }
    }

    /** A connection failure is expected only while the process is down, a 503 only while the database is. */
    private List<Attempt> unexpected(List<Attempt> attempts) {
        return attempts.stream().filter(a -> switch (a.outcome()) {
            case ACCEPTED -> false;
            case UNAVAILABLE, OUTCOME_UNKNOWN -> !during(a, "postgres");
            case CONNECTION_REFUSED, CONNECTION_BROKEN -> !during(a, "kill9");
            case UNEXPECTED -> true;
        }).sorted(Comparator.comparing(Attempt::sentAt)).toList();
    }

    private boolean during(Attempt attempt, String fault) {
        return windows.stream().anyMatch(w -> w.fault().equals(fault) && w.covers(attempt));
    }

    // ---- helpers

    private static Map<String, String> env(TestDatabase database, TestBroker broker) throws IOException {
        Map<String, String> env = new HashMap<>();
        env.put("KURIR_DB_URL", database.jdbcUrl());
        env.put("KURIR_DB_USER", database.user());
        env.put("KURIR_DB_PASSWORD", database.password());
        env.put("KURIR_AMQP_URI", broker.amqpUri());
        // Fixed ports: the restarted process answers where the load is sent.
        env.put("KURIR_HTTP_PORT", Integer.toString(freePort()));
        env.put("KURIR_MANAGEMENT_PORT", Integer.toString(freePort()));
        env.put("KURIR_DATA_DIR", Files.createTempDirectory("kurir-faults").toString());
        env.put("KURIR_POLL_INTERVAL", "200ms");
        env.put("KURIR_LOG_FORMAT", "text");
        // KURIR_MAX_RETRIES, KURIR_RETRY_BACKOFF and KURIR_LEASE_TIMEOUT keep their defaults: outages must not burn
        // retries, and the leases of a killed process expire at the pace they would in production.
        return env;
    }

    private KurirProcess start() {
        KurirProcess process = KurirProcess.start(env);
        processes.add(process);
        return process.awaitReady(READY);
    }

    private static void createItem(HttpClientSupport api, String sku, int stock) {
        var response = api.postJson("/api/items",
                "{\"sku\":\"" + sku + "\",\"name\":\"Fault " + sku + "\",\"price\":\"2.50\",\"stock\":" + stock + "}");
        assertEquals(201, response.statusCode(), response.body());
    }

    private void steady() {
        sleep(Duration.ofSeconds(steadySeconds));
    }

    private static void clearKeptLogs() throws IOException {
        Path dir = TARGET.resolve("faults");
        if (Files.isDirectory(dir)) {
            try (var logs = Files.newDirectoryStream(dir, "kurir-*.log")) {
                for (Path log : logs) {
                    Files.delete(log);
                }
            }
        }
    }

    /** Keeps a process's log in target/faults (the process deletes its own file on close), and closes it. */
    private void keepLog(KurirProcess process) {
        int index = processes.indexOf(process);
        try {
            Path dir = Files.createDirectories(TARGET.resolve("faults"));
            Files.writeString(dir.resolve("kurir-" + index + ".log"), process.output());
        } catch (IOException e) {
            System.err.println("could not keep the log of kurir process " + index + ": " + e);
        } finally {
            process.close();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
