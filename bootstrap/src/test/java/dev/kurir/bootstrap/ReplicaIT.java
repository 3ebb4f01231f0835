package dev.kurir.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kurir.application.messaging.RetentionJob;
import dev.kurir.bootstrap.OrderLoad.Attempt;
import dev.kurir.bootstrap.OrderLoad.Outcome;
import dev.kurir.testing.Prerequisite;
import dev.kurir.testing.TestBroker;
import dev.kurir.testing.TestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

/**
 * Replicas of the shipped jar on shared databases and one RabbitMQ vhost, as processes: three monoliths on one
 * database, and split mode as two order services and two item services, each pair on its own database. All replicas
 * of a variant start at the same moment on an empty database (the migrations must serialize: each one applied once,
 * by one replica, none failed). Under an open-loop load spread over the replicas, as a client behind a load balancer
 * sends it (a refused connection goes to the next replica; an unknown outcome is retried with the same
 * Idempotency-Key), one replica is killed with SIGKILL and started again, then every replica is restarted in turn
 * (SIGTERM, start, ready, next), then one replica loses RabbitMQ alone for a while (its {@link TcpProxy} link cut).
 * Once drained: every accepted order final, stock exact, no effect twice, no lease left behind ({@link SagaLedger}),
 * the only failed answers a client saw are broken connections of requests in flight on the killed replica, and the
 * periodic jobs took one turn per interval across the replicas (the saga deadline's every 5 s, the retention's once
 * in its 10 minutes), not one per replica.
 *
 * <p>The figures are system properties {@code kurir.replicas.*}: the defaults are the short run of the normal build,
 * and the {@code faults} profile runs the long one (docs/reliability.md). It needs the local RabbitMQ (its queues
 * are counted with {@code rabbitmqctl}); without it the test is skipped, or fails when {@code CI=true}.
 */
class ReplicaIT {
    private static final Duration READY = Duration.ofSeconds(120);
    private static final Duration STOP = Duration.ofSeconds(60);
    private static final Path TARGET = Path.of("target");
    private static final List<String> LOAD_SKUS = List.of("REPLICA-PLENTY", "REPLICA-SCARCE", "REPLICA-COMMON");
    private static final Pattern MIGRATED = Pattern.compile("schema (\\w+) is at version \\S+ \\((\\d+) migrations applied now\\)");

    private final double ordersPerSecond = Double.parseDouble(System.getProperty("kurir.replicas.ordersPerSecond", "10"));
    private final int brokerCutSeconds = Integer.getInteger("kurir.replicas.brokerCutSeconds", 4);
    private final int steadySeconds = Integer.getInteger("kurir.replicas.steadySeconds", 2);
    /**
     * The load grows to its rate over this long after every replica started at once (a load balancer's slow start):
     * at full rate at once, JVMs just started on a shared 2-core machine answer overloaded for their first seconds.
     */
    private final int rampSeconds = Integer.getInteger("kurir.replicas.rampSeconds", 5);
    private final int drainSeconds = Integer.getInteger("kurir.replicas.drainSeconds", 120);
    private final long seed = Long.getLong("kurir.replicas.seed", System.nanoTime());

    /** A variant's replicas and what the run does to which. */
    private record Cluster(String name, List<Replica> replicas, List<Replica> orderServices, Replica itemService,
                           List<Replica> toKill, Replica toCut, Jdbi ordersDb, Jdbi itemsDb,
                           List<Migrated> migrations) {
    }

    /** A schema in a database, migrated by the replicas that run its module there. */
    private record Migrated(String schema, Jdbi database, List<Replica> by) {
    }

    /** When a replica was killed and when it was gone: the answers of requests in flight on it are excused. */
    private record Kill(int port, Instant from, Instant to) {

        boolean inFlight(Attempt attempt) {
            return attempt.port() == port && attempt.overlaps(from, to);
        }
    }

    private final List<String> violations = new ArrayList<>();
    private final List<Kill> kills = new ArrayList<>();
    private final Map<String, Integer> faults = new LinkedHashMap<>();

    @Test
    void threeMonolithReplicasOnOneDatabase_startTogether_andSurviveAKillARollingRestartAndABrokerLoss()
            throws Exception {
        try (TestDatabase database = TestDatabase.create(); TestBroker broker = TestBroker.create()) {
            requireRabbitMq(broker);
            Jdbi jdbi = Jdbi.create(database.dataSource());
            Path logs = freshLogDir("monolith");
            List<Replica> replicas = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    replicas.add(new Replica("kurir-" + i, env(database, "orders,items"), broker.amqpUri(), logs));
                }
                run(new Cluster("monolith", replicas, replicas, replicas.getFirst(), List.of(replicas.getFirst()),
                        replicas.get(1), jdbi, jdbi, List.of(new Migrated("orders", jdbi, replicas),
                        new Migrated("items", jdbi, replicas))), broker);
            } finally {
                replicas.forEach(Replica::close);
            }
        }
    }

    @Test
    void twoOrderAndTwoItemServices_eachPairOnItsOwnDatabase_surviveTheSameFaults() throws Exception {
        try (TestDatabase ordersDatabase = TestDatabase.create(); TestDatabase itemsDatabase = TestDatabase.create();
             TestBroker broker = TestBroker.create()) {
            requireRabbitMq(broker);
            Path logs = freshLogDir("split");
            List<Replica> replicas = new ArrayList<>();
            List<Integer> itemPorts = List.of(Replica.freePort(), Replica.freePort());
            // The order services reach the item services as behind a load balancer: one URL, either service.
            try (TcpProxy itemsBalancer = TcpProxy.to(itemPorts)) {
                for (int i = 0; i < 2; i++) {
                    Map<String, String> env = env(ordersDatabase, "orders");
                    env.put("KURIR_ITEMS_URL", "http://127.0.0.1:" + itemsBalancer.port());
                    replicas.add(new Replica("orders-" + i, env, broker.amqpUri(), logs));
                }
                for (int i = 0; i < 2; i++) {
                    Map<String, String> env = env(itemsDatabase, "items");
                    env.put("KURIR_HTTP_PORT", Integer.toString(itemPorts.get(i)));
                    replicas.add(new Replica("items-" + i, env, broker.amqpUri(), logs));
                }
                Jdbi orders = Jdbi.create(ordersDatabase.dataSource());
                Jdbi items = Jdbi.create(itemsDatabase.dataSource());
                List<Replica> orderServices = replicas.subList(0, 2);
                List<Replica> itemServices = replicas.subList(2, 4);
                run(new Cluster("split", replicas, orderServices, itemServices.getFirst(),
                        List.of(orderServices.getFirst(), itemServices.getFirst()), itemServices.getLast(), orders,
                        items, List.of(new Migrated("orders", orders, orderServices),
                        new Migrated("items", items, itemServices))), broker);
            } finally {
                replicas.forEach(Replica::close);
            }
        }
    }

    private void run(Cluster cluster, TestBroker broker) throws Exception {
        Instant began = Instant.now();
        String parameters = String.format(Locale.ROOT, "ordersPerSecond=%s rampSeconds=%d brokerCutSeconds=%d "
                + "steadySeconds=%d seed=%d", ordersPerSecond, rampSeconds, brokerCutSeconds, steadySeconds, seed);
        System.out.println("REPLICAS " + cluster.name() + " starting: " + parameters);
        Instant startedAt = Instant.now();
        Duration startSpread = startAllAtOnce(cluster.replicas());
        String migrations = checkMigrations(cluster);

        HttpClientSupport itemsApi = new HttpClientSupport(cluster.itemService().apiPort());
        Map<String, Integer> initialStock = new LinkedHashMap<>();
        initialStock.put("REPLICA-PLENTY", 1_000_000);
        initialStock.put("REPLICA-SCARCE", (int) (10 * ordersPerSecond));
        initialStock.put("REPLICA-COMMON", (int) (60 * ordersPerSecond));
        initialStock.forEach((sku, stock) -> createItem(itemsApi, sku, stock));

        List<Integer> ports = cluster.orderServices().stream().map(Replica::apiPort).toList();
        List<Attempt> attempts;
        int failovers;
        Instant loadStarted = Instant.now();
        try (OrderLoad load = OrderLoad.start(ports, LOAD_SKUS, ordersPerSecond, seed,
                Duration.ofSeconds(rampSeconds))) {
            Thread.sleep(Duration.ofSeconds(rampSeconds));
            steady();
            for (Replica replica : cluster.toKill()) {
                killAndRestart(replica);
                steady();
            }
            for (Replica replica : cluster.replicas()) {
                restart(replica);
            }
            steady();
            Instant cutFrom = Instant.now();
            cluster.toCut().cutBroker(Duration.ofSeconds(brokerCutSeconds));
            Instant cutTo = Instant.now();
            faults.merge("broker_cut", 1, Integer::sum);
            steady();
            attempts = load.stop();
            failovers = load.failovers();
            if (cluster.orderServices().contains(cluster.toCut())) {
                checkAcceptedWithoutBroker(attempts, cluster.toCut().apiPort(), cutFrom, cutTo);
            }
        }
        Duration loaded = Duration.between(loadStarted, Instant.now());

        SagaDrain saga = new SagaDrain(cluster.ordersDb(), cluster.itemsDb(), broker.amqpUri());
        Optional<Duration> drain = saga.await(Duration.ofSeconds(drainSeconds));
        if (drain.isEmpty()) {
            violations.add("not drained within " + drainSeconds + " s: " + saga.left());
        }
        SagaLedger ledger = SagaLedger.check(cluster.ordersDb(), cluster.itemsDb(), attempts, initialStock, Set.of(),
                Set.of());
        violations.addAll(ledger.violations());
        String jobTurns = checkJobTurns(cluster, Duration.between(startedAt, Instant.now()));

        // What a client saw: every failed attempt, by kind; excused only if in flight on a replica as it was killed.
        Map<String, Long> errors = new TreeMap<>();
        List<Attempt> unexpected = new ArrayList<>();
        for (Attempt attempt : attempts) {
            if (attempt.outcome() == Outcome.ACCEPTED) {
                continue;
            }
            boolean inFlightOnKilled = attempt.outcome() == Outcome.CONNECTION_BROKEN
                    && kills.stream().anyMatch(kill -> kill.inFlight(attempt));
            errors.merge(attempt.outcome().name().toLowerCase(Locale.ROOT) + (inFlightOnKilled ? "_in_flight_on_killed"
                    : "_unexpected"), 1L, Long::sum);
            if (!inFlightOnKilled) {
                unexpected.add(attempt);
            }
        }
        Map<String, List<Attempt>> requests = attempts.stream()
                .collect(Collectors.groupingBy(Attempt::customerId, LinkedHashMap::new, Collectors.toList()));
        List<String> withoutOrder = requests.values().stream()
                .filter(request -> request.stream().noneMatch(a -> a.outcome() == Outcome.ACCEPTED))
                .map(request -> request.getLast().customerId() + ": " + request.getLast().detail()).toList();
        if (!withoutOrder.isEmpty()) {
            violations.add(withoutOrder.size() + " request(s) never answered 201, retries included: "
                    + withoutOrder.stream().limit(10).toList());
        }
        int unexpectedCount = unexpected.size() + ledger.writtenDespiteError();

        String summary = String.format(Locale.ROOT, "REPLICAS variant=%s replicas=%d orders=%d accepted_requests=%d "
                        + "confirmed=%d rejected=%d attempts=%d failovers=%d faults=%s errors=%s "
                        + "committed_without_201=%d lost=%d duplicated=%d failed_rows=%d retried_rows=%d "
                        + "unexpected_responses=%d start_spread_ms=%d drain_seconds=%s run_seconds=%d",
                cluster.name(), cluster.replicas().size(), requests.size(), requests.size() - withoutOrder.size(),
                ledger.confirmed(), ledger.rejected(), attempts.size(), failovers, compact(faults), compact(errors),
                ledger.committedWithout201(), ledger.lost(), ledger.duplicated(), ledger.failedRows(),
                ledger.retriedRows(), unexpectedCount, startSpread.toMillis(),
                drain.map(d -> String.format(Locale.ROOT, "%.1f", d.toMillis() / 1000.0)).orElse(">" + drainSeconds),
                Duration.between(began, Instant.now()).toSeconds());
        List<String> report = new ArrayList<>(List.of(summary, "parameters: " + parameters + " load_seconds="
                + loaded.toSeconds(), "migrations: " + migrations, "job turns: " + jobTurns));
        unexpected.stream().sorted(Comparator.comparing(Attempt::sentAt)).limit(20).forEach(a -> report.add(
                "unexpected: " + a.customerId() + " to port " + a.port() + " sent " + a.sentAt() + ", answered "
                        + a.answeredAt() + ": " + a.detail()));
        ledger.notes().forEach(note -> report.add("note: " + note));
        violations.forEach(v -> report.add("violation: " + v));
        Path summaryFile = TARGET.resolve("replicas-" + cluster.name() + "-summary.txt");
        Files.write(summaryFile, report);
        report.forEach(System.out::println);

        String details = "\n" + String.join("\n", report) + "\n(also in " + summaryFile + "; the kurir logs are in "
                + logDir(cluster.name()) + ")";
        assertEquals(0, ledger.lost(), "lost" + details);
        assertEquals(0, ledger.duplicated(), "duplicated" + details);
        assertEquals(0, unexpectedCount, "unexpected responses" + details);
        assertTrue(violations.isEmpty(), "violations" + details);
    }

    // ---- starting, and the migrations

    /** Starts every replica in one go, then waits for all; returns how far apart the starts were. */
    private static Duration startAllAtOnce(List<Replica> replicas) {
        List<Instant> started = replicas.stream().map(Replica::start).toList();
        replicas.forEach(replica -> replica.awaitReady(READY));
        return Duration.between(started.getFirst(), started.getLast());
    }

    /**
     * Each schema's history lists every migration once, successful, and the replicas that migrated it applied that
     * many between them (each replica logs how many it applied): one applied them, the others found them done.
     */
    private String checkMigrations(Cluster cluster) {
        List<String> figures = new ArrayList<>();
        for (Migrated migrated : cluster.migrations()) {
            String schema = migrated.schema();
            List<Map<String, Object>> history = migrated.database().withHandle(h -> h.createQuery(
                    "SELECT version, success FROM " + schema + ".flyway_schema_history WHERE type = 'SQL' "
                            + "ORDER BY installed_rank").mapToMap().list());
            long versions = history.stream().map(row -> row.get("version")).distinct().count();
            boolean allSucceeded = history.stream().allMatch(row -> Boolean.TRUE.equals(row.get("success")));
            Map<String, Integer> appliedBy = new LinkedHashMap<>();
            for (Replica replica : migrated.by()) {
                Matcher matcher = MIGRATED.matcher(replica.output());
                while (matcher.find()) {
                    if (matcher.group(1).equals(schema)) {
                        appliedBy.merge(replica.name, Integer.parseInt(matcher.group(2)), Integer::sum);
                    }
                }
            }
            int applied = appliedBy.values().stream().mapToInt(Integer::intValue).sum();
            long appliers = appliedBy.values().stream().filter(n -> n > 0).count();
            figures.add(schema + ": " + history.size() + " in history, applied " + appliedBy);
            if (history.isEmpty() || versions != history.size() || !allSucceeded) {
                violations.add(schema + ".flyway_schema_history is not each migration once, successful: " + history);
            }
            if (appliedBy.size() != migrated.by().size() || applied != history.size()) {
                violations.add(schema + ": the replicas logged " + appliedBy + " migrations applied, the history "
                        + "holds " + history.size());
            }
            System.out.println("REPLICAS " + cluster.name() + " migrations of " + schema + ": " + history.size()
                    + " in history, applied by " + appliers + " replica(s): " + appliedBy);
        }
        return String.join("; ", figures);
    }

    // ---- the periodic jobs

    /**
     * The saga deadline job's turns are at least its interval apart (by the database's clock), so {@code ran} holds
     * at most {@code ran / interval + 1} of them; and some replica was always up to take them, so at least half that
     * many. One turn per replica per interval would be two to three times as many. The retention, every 10 minutes,
     * took one turn per module in the whole run, although every replica started (and most restarted) within it.
     */
    private String checkJobTurns(Cluster cluster, Duration ran) {
        Duration interval = OrderDeadlineJob.interval(Duration.ofMinutes(5)); // KURIR_ORDER_DEADLINE's default
        long most = ran.dividedBy(interval) + 1;
        long deadlineTurns = turns(cluster.ordersDb(), "orders", OrderDeadlineJob.JOB);
        if (deadlineTurns > most || deadlineTurns < most / 2) {
            violations.add("the saga deadline job took " + deadlineTurns + " turns in " + ran.toSeconds() + " s, every "
                    + interval.toSeconds() + " s across the replicas allows " + most / 2 + " to " + most);
        }
        long ordersRetention = turns(cluster.ordersDb(), "orders", RetentionJob.JOB);
        long itemsRetention = turns(cluster.itemsDb(), "items", RetentionJob.JOB);
        if (ordersRetention != 1 || itemsRetention != 1) {
            violations.add("the retention took " + ordersRetention + " (orders) and " + itemsRetention
                    + " (items) turns, once per module expected in less than its 10 minutes");
        }
        return String.format(Locale.ROOT, "order-deadline=%d in %d s (interval %d s, at most %d), retention orders=%d "
                        + "items=%d", deadlineTurns, ran.toSeconds(), interval.toSeconds(), most, ordersRetention,
                itemsRetention);
    }

    private static long turns(Jdbi database, String schema, String job) {
        // The schema is one of the two module names, not input.
        return database.withHandle(h -> h.createQuery("SELECT coalesce(sum(turns), 0) FROM " + schema
                + ".job_turns WHERE job = :job").bind("job", job).mapTo(Long.class).one());
    }

    // ---- the faults

    private void killAndRestart(Replica replica) {
        Instant from = Instant.now();
        replica.kill();
        kills.add(new Kill(replica.apiPort(), from, Instant.now().plusSeconds(1)));
        faults.merge("kill9", 1, Integer::sum);
        replica.start();
        replica.awaitReady(READY);
    }

    /** SIGTERM, as an orchestrator's rolling update does: waits for the process to stop, starts it, waits for ready. */
    private void restart(Replica replica) {
        int status = replica.terminate(STOP);
        if (status != 143) {
            violations.add(replica.name + " exited with " + status + " on SIGTERM, not 143 (128 + 15)");
        }
        faults.merge("sigterm_restart", 1, Integer::sum);
        replica.start();
        replica.awaitReady(READY);
    }

    /** Placing an order needs PostgreSQL only: a replica without the broker goes on accepting orders. */
    private void checkAcceptedWithoutBroker(List<Attempt> attempts, int port, Instant from, Instant to) {
        boolean accepted = attempts.stream().anyMatch(a -> a.port() == port && a.outcome() == Outcome.ACCEPTED
                && !a.sentAt().isBefore(from) && !a.answeredAt().isAfter(to));
        if (!accepted) {
            violations.add("the replica without the broker (port " + port + ") accepted no order meanwhile");
        }
    }

    // ---- helpers

    private static void requireRabbitMq(TestBroker broker) {
        Prerequisite.require(broker.canRestart(), "ReplicaIT", "the local RabbitMQ with rabbitmqctl "
                + "(KURIR_TEST_AMQP_URI, rabbitmqctl on the PATH): it counts the queues to know the saga drained");
    }

    private static Map<String, String> env(TestDatabase database, String modules) {
        Map<String, String> env = new HashMap<>();
        env.put("KURIR_MODULES", modules);
        env.put("KURIR_DB_URL", database.jdbcUrl());
        env.put("KURIR_DB_USER", database.user());
        env.put("KURIR_DB_PASSWORD", database.password());
        env.put("KURIR_POLL_INTERVAL", "200ms");
        env.put("KURIR_LOG_FORMAT", "text");
        return env;
    }

    private static Path logDir(String variant) {
        return TARGET.resolve("replicas").resolve(variant);
    }

    /** The variant's log directory, emptied of an earlier run's logs. */
    private static Path freshLogDir(String variant) throws IOException {
        Path dir = Files.createDirectories(logDir(variant));
        try (var logs = Files.newDirectoryStream(dir, "*.log")) {
            for (Path log : logs) {
                Files.delete(log);
            }
        }
        return dir;
    }

    private static void createItem(HttpClientSupport api, String sku, int stock) {
        var response = api.postJson("/api/items",
                "{\"sku\":\"" + sku + "\",\"name\":\"Replica " + sku + "\",\"price\":\"2.50\",\"stock\":" + stock + "}");
        assertEquals(201, response.statusCode(), response.body());
    }

    private static String compact(Map<String, ? extends Number> counts) {
        return counts.isEmpty() ? "none" : counts.entrySet().stream().map(e -> e.getKey() + ":" + e.getValue())
                .collect(Collectors.joining(",", "(", ")"));
    }

    private void steady() throws InterruptedException {
        Thread.sleep(Duration.ofSeconds(steadySeconds));
    }
}
