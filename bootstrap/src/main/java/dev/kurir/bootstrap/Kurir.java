package dev.kurir.bootstrap;

import com.rabbitmq.client.ConnectionFactory;
import dev.kurir.adapters.catalog.HttpItemCatalog;
import dev.kurir.adapters.http.AdminRoutes;
import dev.kurir.adapters.http.ApiDocsRoutes;
import dev.kurir.adapters.http.ConcurrencyLimit;
import dev.kurir.adapters.http.ConsoleRoutes;
import dev.kurir.adapters.http.HealthRoutes;
import dev.kurir.adapters.http.HttpServer;
import dev.kurir.adapters.http.ItemsRoutes;
import dev.kurir.adapters.http.MetricsRoutes;
import dev.kurir.adapters.http.OrdersRoutes;
import dev.kurir.adapters.http.RouteGroup;
import dev.kurir.adapters.inprocess.InProcessItemCatalog;
import dev.kurir.adapters.postgres.JdbiIdempotencyKeys;
import dev.kurir.adapters.postgres.JdbiInboxStore;
import dev.kurir.adapters.postgres.JdbiItemRepository;
import dev.kurir.adapters.postgres.JdbiMessageAdminStore;
import dev.kurir.adapters.postgres.JdbiMessageBacklog;
import dev.kurir.adapters.postgres.JdbiOrderRepository;
import dev.kurir.adapters.postgres.JdbiOutboxRows;
import dev.kurir.adapters.postgres.JdbiOutboxStore;
import dev.kurir.adapters.postgres.JdbiJobTurns;
import dev.kurir.adapters.postgres.JdbiReservations;
import dev.kurir.adapters.postgres.JdbiRetentionStore;
import dev.kurir.adapters.postgres.JdbiSagaRecords;
import dev.kurir.adapters.postgres.JdbiUnitOfWork;
import dev.kurir.adapters.postgres.ModuleSchema;
import dev.kurir.adapters.rabbitmq.RabbitConnections;
import dev.kurir.adapters.rabbitmq.RabbitDeadLetterQueue;
import dev.kurir.adapters.rabbitmq.RabbitInboxConsumer;
import dev.kurir.adapters.rabbitmq.RabbitMessagePublisher;
import dev.kurir.application.contracts.OrderCreated;
import dev.kurir.application.items.ItemsModule;
import dev.kurir.application.messaging.InboxService;
import dev.kurir.application.messaging.MessageAdministration;
import dev.kurir.application.messaging.MessagingListener;
import dev.kurir.application.messaging.MessagingTracing;
import dev.kurir.application.messaging.OutboxRelay;
import dev.kurir.application.messaging.RelayingOutbox;
import dev.kurir.application.messaging.RetentionJob;
import dev.kurir.application.messaging.handler.InboxHandler;
import dev.kurir.application.messaging.port.out.MessageBacklog;
import dev.kurir.application.module.ModuleDescriptor;
import dev.kurir.application.orders.OrdersModule;
import dev.kurir.application.orders.port.out.ItemCatalog;
import dev.kurir.application.orders.port.out.OrdersListener;
import dev.kurir.application.shared.port.out.Outbox;
import dev.kurir.bootstrap.Shutdown.Phase;
import dev.kurir.observability.health.HealthCheck;
import dev.kurir.observability.health.Readiness;
import dev.kurir.observability.logging.LoggingMessagingListener;
import dev.kurir.observability.logging.LoggingOrdersListener;
import dev.kurir.observability.tracing.OpenTelemetryMessagingTracing;
import dev.kurir.observability.metrics.ConnectionPoolMetrics;
import dev.kurir.observability.metrics.HttpServerMetrics;
import dev.kurir.observability.metrics.MessageBacklogMetrics;
import dev.kurir.observability.metrics.MetricsMessagingListener;
import dev.kurir.observability.metrics.MetricsScraper;
import dev.kurir.observability.metrics.OrderMetrics;
import dev.kurir.observability.metrics.RetentionMetrics;
import dev.kurir.observability.metrics.RuntimeMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A running kurir: the whole system, wired by hand. Closing it stops everything in reverse order. */
public final class Kurir implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Kurir.class);
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration RETENTION_INTERVAL = Duration.ofMinutes(10);
    // How long an API request waits for a turn before it is answered 503 overloaded: as long as it could wait for a
    // connection from the pool (Database), so the limit refuses nothing sooner than the pool would have.
    private static final Duration API_MAX_WAIT = Duration.ofSeconds(3);

    private final Shutdown shutdown;
    private final AtomicBoolean started;
    private final HttpServer api;
    private final HttpServer management;

    private Kurir(Shutdown shutdown, AtomicBoolean started, HttpServer api, HttpServer management) {
        this.shutdown = shutdown;
        this.started = started;
        this.api = api;
        this.management = management;
    }

    public static Kurir start(KurirConfig config) {
        Shutdown shutdown = new Shutdown();
        AtomicBoolean started = new AtomicBoolean();
        try {
            // One registry per instance, never the static default one: tests run two instances in one JVM.
            PrometheusRegistry registry = new PrometheusRegistry();
            RuntimeMetrics.register(registry);
            Database database = shutdown.add(Phase.INFRASTRUCTURE,
                    Database.open(config, new ConnectionPoolMetrics(registry)));
            MessageAdministration admin = new MessageAdministration(config.messaging().maxRetries());
            // The migrations mostly wait for PostgreSQL and load Flyway; the broker and the management server (most
            // of the HTTP stack's class loading) start meanwhile. Until everything is up, /health/ready says so.
            CompletableFuture<Void> migrations = CompletableFuture.runAsync(
                    () -> database.migrate(config.modules().stream().map(KurirModules::named).map(ModuleSchema::of)
                            .toList()),
                    task -> Thread.ofPlatform().name("kurir-migrate").start(task));
            Broker broker;
            HttpServer management;
            try {
                broker = shutdown.add(Phase.INFRASTRUCTURE, Broker.open(config));
                management = shutdown.add(Phase.INFRASTRUCTURE,
                        startManagement(config, database, admin, registry, started));
            } catch (RuntimeException | Error e) {
                // Flyway finishes first: a migration is not cut off half run, nor the embedded PostgreSQL stopped
                // under it. Its failure, if any, is kept with this one.
                try {
                    awaitMigrations(migrations);
                } catch (RuntimeException | Error failure) {
                    e.addSuppressed(failure);
                }
                throw e;
            }
            awaitMigrations(migrations);
            admin.deadLetters(shutdown.add(Phase.CONNECTIONS, new RabbitDeadLetterQueue(
                    RabbitConnections.factory(broker.uri(), "kurir-dead-letters"), KurirConfig.CONFIRM_TIMEOUT)));
            shutdown.add(Phase.DRAIN, () -> broker.awaitDrained(config.modules().stream().map(KurirModules::named)
                    .map(ModuleDescriptor::queue).toList(), DRAIN_TIMEOUT));

            Jdbi jdbi = Jdbi.create(database.dataSource());
            Clock clock = Clock.systemUTC();
            JdbiUnitOfWork unitOfWork = new JdbiUnitOfWork(jdbi);
            MetricsMessagingListener messagingMetrics = new MetricsMessagingListener(registry,
                    config.messaging().maxRetries());
            OrdersListener ordersListener = OrdersListener.all(List.of(new LoggingOrdersListener(),
                    new OrderMetrics(registry)));
            MessagingTracing tracing = new OpenTelemetryMessagingTracing(clock);
            String processName = processName(config);
            // Stopped with the API, before the relays: no order.cancelled is written once the relay has stopped.
            OrderDeadlineJob deadlineJob = shutdown.add(Phase.HTTP,
                    new OrderDeadlineJob(config.orderDeadline(),
                            new JdbiJobTurns(jdbi, ModuleSchema.of(OrdersModule.DESCRIPTOR), processName),
                            ordersListener, tracing, clock));
            RetentionMetrics retentionMetrics = new RetentionMetrics(registry);
            MessagingListener listener = MessagingListener.all(List.of(new LoggingMessagingListener(), messagingMetrics,
                    retentionMetrics, new OutageWatch("orders", deadlineJob::outageSeen)));
            Map<String, MessageBacklog> backlogs = new LinkedHashMap<>();
            Messaging messaging = new Messaging(config, broker, jdbi, unitOfWork, listener, messagingMetrics,
                    retentionMetrics, tracing, admin, backlogs, clock, shutdown, processName);
            List<RouteGroup> apiRoutes = new ArrayList<>();

            Optional<ItemsModule> items = Optional.empty();
            if (config.modules().contains(ItemsModule.DESCRIPTOR.name())) {
                OutboxRelay relay = messaging.relay(ItemsModule.DESCRIPTOR);
                ItemsModule module = ItemsModule.create(new ItemsModule.Dependencies(new JdbiItemRepository(jdbi),
                        new JdbiReservations(jdbi), messaging.outbox(ItemsModule.DESCRIPTOR, relay), unitOfWork,
                        clock));
                messaging.inbox(ItemsModule.DESCRIPTOR, relay, module.inboxHandlers());
                apiRoutes.add(new ItemsRoutes(module));
                items = Optional.of(module);
            }
            if (config.modules().contains(OrdersModule.DESCRIPTOR.name())) {
                // How orders reaches items is decided here and only here: in-process, or the item service over HTTP.
                ItemCatalog catalog = items.<ItemCatalog>map(module -> new InProcessItemCatalog(module.prices()))
                        .orElseGet(() -> new HttpItemCatalog(config.itemsUrl().orElseThrow()));
                OutboxRelay relay = messaging.relay(OrdersModule.DESCRIPTOR);
                OrdersModule module = OrdersModule.create(new OrdersModule.Dependencies(new JdbiOrderRepository(jdbi),
                        new JdbiIdempotencyKeys(jdbi), catalog, messaging.outbox(OrdersModule.DESCRIPTOR, relay),
                        unitOfWork, ordersListener, clock));
                messaging.inbox(OrdersModule.DESCRIPTOR, relay, module.inboxHandlers());
                deadlineJob.start(module.cancelOverdueOrders());
                apiRoutes.add(new OrdersRoutes(module));
            }
            apiRoutes.add(new ApiDocsRoutes());
            MessageBacklogMetrics.register(registry, backlogs);

            WarmUp.run(config.warmUp(), apiRoutes, config.apiConcurrency(), config.modules(), items.map(module ->
                    WarmUp.rolledBackReservations(module.inboxHandlers().get(OrderCreated.TYPE.name()), unitOfWork)),
                    tracing);
            HttpServer api = shutdown.add(Phase.HTTP, HttpServer.start(config.httpHost(), config.httpPort(),
                    apiRoutes, new HttpServerMetrics(registry),
                    new ConcurrencyLimit(config.apiConcurrency(), API_MAX_WAIT)));
            started.set(true);
            log.info("kurir is up as {} running {}: API on port {}, management on port {}", config.serviceName(),
                    config.modules(), api.port(), management.port());
            return new Kurir(shutdown, started, api, management);
        } catch (RuntimeException | Error e) {
            shutdown.closeAll();
            throw e;
        }
    }

    /**
     * The management port: health, metrics and the operator API. It starts before the modules do: liveness and
     * metrics answer during a long migration, while readiness and the operator API wait for {@code started}.
     */
    private static HttpServer startManagement(KurirConfig config, Database database, MessageAdministration admin,
                                              PrometheusRegistry registry, AtomicBoolean started) {
        Readiness readiness = new Readiness(List.of(
                new HealthCheck("postgresql", () -> ping(database.dataSource())),
                new HealthCheck("startup", () -> {
                    if (!started.get()) {
                        throw new IllegalStateException("starting: migrating the schemas, starting the modules");
                    }
                })));
        JdbiSagaRecords records = new JdbiSagaRecords(Jdbi.create(database.dataSource()),
                config.modules().stream().map(KurirModules::named).map(ModuleSchema::of).collect(Collectors.toSet()));
        return HttpServer.start(config.httpHost(), config.managementPort(), List.of(new HealthRoutes(readiness),
                new AdminRoutes(admin, config.adminToken(), started::get),
                new ConsoleRoutes(admin, records, config.adminToken(), started::get, placement(config),
                        config.traceUrl(), Clock.systemUTC()),
                new MetricsRoutes(new MetricsScraper(registry))));
    }

    /** What the console says about where each module's rows are: here, or in the other service. */
    private static String placement(KurirConfig config) {
        if (config.modules().containsAll(List.of("orders", "items"))) {
            return config.serviceName() + " runs the orders and items modules: every row of the saga is here.";
        }
        if (config.modules().contains("orders")) {
            return config.serviceName() + " runs the orders module; the items module's rows (its inbox, the "
                    + "reservations) are in the item service" + config.itemsUrl().map(url -> " (" + url.getHost() + ")")
                    .orElse("") + ": open the console on its management port.";
        }
        return config.serviceName() + " runs the items module; the orders module's rows (the orders, their outbox) "
                + "are in the order service: open the console on its management port.";
    }

    /**
     * Builds and starts each module's relay, inbox, retention job and operator access, registering each part in
     * its shutdown phase. A module only ever touches its own schema and declares only the topology it needs.
     */
    private record Messaging(KurirConfig config, Broker broker, Jdbi jdbi, JdbiUnitOfWork unitOfWork,
                             MessagingListener listener, MetricsMessagingListener metrics,
                             RetentionMetrics retentionMetrics, MessagingTracing tracing,
                             MessageAdministration admin, Map<String, MessageBacklog> backlogs, Clock clock,
                             Shutdown shutdown, String processName) {

        OutboxRelay relay(ModuleDescriptor descriptor) {
            String module = descriptor.name();
            ConnectionFactory connections = RabbitConnections.factory(broker.uri(), "kurir-" + module + "-relay");
            RabbitMessagePublisher publisher = shutdown.add(Phase.CONNECTIONS,
                    new RabbitMessagePublisher(connections, descriptor.serviceName(), KurirConfig.CONFIRM_TIMEOUT,
                            broker.topology(), tracing));
            OutboxRelay relay = shutdown.add(Phase.RELAYS, new OutboxRelay(module,
                    new JdbiOutboxStore(jdbi, ModuleSchema.of(descriptor)), publisher, config.messaging(), listener,
                    tracing, clock));
            relay.start();
            return relay;
        }

        /** The module's outbox: rows inserted in its schema, handed to its relay after the commit. */
        Outbox outbox(ModuleDescriptor descriptor, OutboxRelay relay) {
            return new RelayingOutbox(new JdbiOutboxRows(jdbi, ModuleSchema.of(descriptor)), unitOfWork, relay,
                    tracing);
        }

        /**
         * @throws IllegalStateException if the handlers are not those of the events the descriptor says the module
         *                               consumes: the queue's bindings and the metrics follow the descriptor
         */
        void inbox(ModuleDescriptor descriptor, OutboxRelay relay, Map<String, InboxHandler> handlers) {
            String module = descriptor.name();
            if (!handlers.keySet().equals(descriptor.consumedEventTypes())) {
                throw new IllegalStateException("module " + module + " handles " + new TreeSet<>(handlers.keySet())
                        + " but its descriptor says it consumes " + descriptor.consumedEventTypes());
            }
            ModuleSchema schema = ModuleSchema.of(descriptor);
            InboxService inbox = shutdown.add(Phase.INBOX, new InboxService(module, new JdbiInboxStore(jdbi, schema),
                    handlers, unitOfWork, config.messaging(), listener, tracing, clock));
            inbox.start();
            ConnectionFactory connections = RabbitConnections.factory(broker.uri(), "kurir-" + module + "-inbox");
            RabbitInboxConsumer consumer = shutdown.add(Phase.CONSUMERS, new RabbitInboxConsumer(connections,
                    descriptor.queue(), inbox, config.amqpPrefetch(), config.amqpConsumers(), broker.topology(),
                    tracing));
            consumer.start();

            admin.register(module, JdbiMessageAdminStore.outbox(jdbi, schema), JdbiMessageAdminStore.inbox(jdbi, schema),
                    () -> {
                        relay.wakeUp();
                        inbox.wakeUp();
                    });
            metrics.expect(module, descriptor.publishedEventTypes(), descriptor.consumedEventTypes());
            backlogs.put(module, new JdbiMessageBacklog(jdbi, schema));
            // Deletes settled rows past the retention, checked every 10 minutes.
            retentionMetrics.expect(module);
            RetentionJob job = shutdown.add(Phase.INBOX, new RetentionJob(module, new JdbiRetentionStore(jdbi, schema),
                    new JdbiJobTurns(jdbi, schema, processName),
                    config.retention(), clock, tracing, listener));
            job.start(RETENTION_INTERVAL);
        }
    }

    /** Who takes a job's turn, for an operator reading {@code job_turns}: e.g. {@code kurir@pod-7f9c/1}. */
    private static String processName(KurirConfig config) {
        String host = Optional.ofNullable(System.getenv("HOSTNAME")).orElse("localhost");
        return config.serviceName() + "@" + host + "/" + ProcessHandle.current().pid();
    }

    /** Waits for the migrations and fails as they did: a failed migration must stop the start. */
    private static void awaitMigrations(CompletableFuture<Void> migrations) {
        try {
            migrations.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }

    private static void ping(DataSource dataSource) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            if (!connection.isValid(2)) {
                throw new SQLException("connection is not valid");
            }
        }
    }

    public int apiPort() {
        return api.port();
    }

    public int managementPort() {
        return management.port();
    }

    @Override
    public void close() {
        started.set(false); // not ready from now on: load balancers stop sending, operators wait
        shutdown.closeAll();
        log.info("kurir stopped");
    }
}
