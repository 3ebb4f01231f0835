package dev.kurir.bootstrap;

import com.rabbitmq.client.ConnectionFactory;
import dev.kurir.adapters.http.AdminRoutes;
import dev.kurir.adapters.http.HealthRoutes;
import dev.kurir.adapters.http.HttpServer;
import dev.kurir.adapters.http.ItemsRoutes;
import dev.kurir.adapters.http.OrdersRoutes;
import dev.kurir.adapters.inprocess.InProcessItemCatalog;
import dev.kurir.adapters.postgres.JdbiIdempotencyKeys;
import dev.kurir.adapters.postgres.JdbiInboxStore;
import dev.kurir.adapters.postgres.JdbiItemRepository;
import dev.kurir.adapters.postgres.JdbiMessageAdminStore;
import dev.kurir.adapters.postgres.JdbiOrderRepository;
import dev.kurir.adapters.postgres.JdbiOutbox;
import dev.kurir.adapters.postgres.JdbiOutboxStore;
import dev.kurir.adapters.postgres.JdbiRetentionStore;
import dev.kurir.adapters.postgres.JdbiUnitOfWork;
import dev.kurir.adapters.postgres.ModuleSchema;
import dev.kurir.adapters.rabbitmq.RabbitConnections;
import dev.kurir.adapters.rabbitmq.RabbitInboxConsumer;
import dev.kurir.adapters.rabbitmq.RabbitMessagePublisher;
import dev.kurir.adapters.rabbitmq.RabbitTopology;
import dev.kurir.application.items.ItemsModule;
import dev.kurir.application.messaging.handler.InboxHandler;
import dev.kurir.application.messaging.InboxService;
import dev.kurir.application.messaging.MessageAdministration;
import dev.kurir.application.messaging.MessagingListener;
import dev.kurir.application.messaging.OutboxRelay;
import dev.kurir.application.messaging.RetentionJob;
import dev.kurir.application.orders.OrdersModule;
import dev.kurir.bootstrap.Shutdown.Phase;
import dev.kurir.observability.health.HealthCheck;
import dev.kurir.observability.health.Readiness;
import dev.kurir.observability.logging.LoggingMessagingListener;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A running kurir: the whole system, wired by hand. Closing it stops everything in reverse order. */
public final class Kurir implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Kurir.class);
    private static final Duration CONFIRM_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration RETENTION_INTERVAL = Duration.ofMinutes(10);
    /**
     * The modules this process runs. Publishers and consumers declare their topology on every (re)connect, so
     * kurir starts while the broker is still down and recovers when a broker comes back without its queues.
     */
    private static final Set<String> MODULES = Set.of("orders", "items");

    private final Shutdown shutdown;
    private final HttpServer api;
    private final HttpServer management;

    private Kurir(Shutdown shutdown, HttpServer api, HttpServer management) {
        this.shutdown = shutdown;
        this.api = api;
        this.management = management;
    }

    public static Kurir start(KurirConfig config) {
        Shutdown shutdown = new Shutdown();
        try {
            Database database = shutdown.add(Phase.INFRASTRUCTURE, Database.open(config));
            database.migrate(List.of(ModuleSchema.ORDERS, ModuleSchema.ITEMS));
            Broker broker = shutdown.add(Phase.INFRASTRUCTURE, Broker.open(config));
            shutdown.add(Phase.DRAIN, () -> broker.awaitDrained(List.of(RabbitTopology.ITEMS_ORDER_EVENTS_QUEUE,
                    RabbitTopology.ORDERS_ITEM_EVENTS_QUEUE), DRAIN_TIMEOUT));

            Jdbi jdbi = Jdbi.create(database.dataSource());
            Clock clock = Clock.systemUTC();
            JdbiUnitOfWork unitOfWork = new JdbiUnitOfWork(jdbi);
            MessagingListener listener = new LoggingMessagingListener();
            Messaging messaging = new Messaging(config, broker.uri(), jdbi, unitOfWork, listener, clock, shutdown);

            OutboxRelay itemsRelay = messaging.relay("items", ModuleSchema.ITEMS, "item-service");
            ItemsModule items = ItemsModule.create(new ItemsModule.Dependencies(new JdbiItemRepository(jdbi),
                    new JdbiOutbox(jdbi, ModuleSchema.ITEMS, itemsRelay::wakeUp), unitOfWork, clock));
            OutboxRelay ordersRelay = messaging.relay("orders", ModuleSchema.ORDERS, "order-service");
            OrdersModule orders = OrdersModule.create(new OrdersModule.Dependencies(
                    new JdbiOrderRepository(jdbi), new JdbiIdempotencyKeys(jdbi), new InProcessItemCatalog(items.prices()),
                    new JdbiOutbox(jdbi, ModuleSchema.ORDERS, ordersRelay::wakeUp), unitOfWork, clock));
            InboxService itemsInbox = messaging.inbox("items", ModuleSchema.ITEMS, "items.order-events",
                    items.inboxHandlers());
            InboxService ordersInbox = messaging.inbox("orders", ModuleSchema.ORDERS, "orders.item-events",
                    orders.inboxHandlers());
            MessageAdministration admin = new MessageAdministration()
                    .register("orders", JdbiMessageAdminStore.outbox(jdbi, ModuleSchema.ORDERS),
                            JdbiMessageAdminStore.inbox(jdbi, ModuleSchema.ORDERS), () -> {
                                ordersRelay.wakeUp();
                                ordersInbox.wakeUp();
                            })
                    .register("items", JdbiMessageAdminStore.outbox(jdbi, ModuleSchema.ITEMS),
                            JdbiMessageAdminStore.inbox(jdbi, ModuleSchema.ITEMS), () -> {
                                itemsRelay.wakeUp();
                                itemsInbox.wakeUp();
                            });
            messaging.retention("orders", ModuleSchema.ORDERS);
            messaging.retention("items", ModuleSchema.ITEMS);

            Readiness readiness = new Readiness(List.of(new HealthCheck("postgresql", () -> ping(database.dataSource()))));
            HttpServer management = shutdown.add(Phase.INFRASTRUCTURE, HttpServer.start(config.httpHost(),
                    config.managementPort(), List.of(new HealthRoutes(readiness),
                            new AdminRoutes(admin, config.adminToken()))));
            HttpServer api = shutdown.add(Phase.HTTP, HttpServer.start(config.httpHost(), config.httpPort(),
                    List.of(new ItemsRoutes(items), new OrdersRoutes(orders))));
            log.info("kurir is up: API on port {}, management on port {}", api.port(), management.port());
            return new Kurir(shutdown, api, management);
        } catch (RuntimeException e) {
            shutdown.closeAll();
            throw e;
        }
    }

    /** Builds and starts each module's relay and inbox, registering each part in its shutdown phase. */
    private record Messaging(KurirConfig config, String brokerUri, Jdbi jdbi, JdbiUnitOfWork unitOfWork,
                             MessagingListener listener, Clock clock, Shutdown shutdown) {

        OutboxRelay relay(String module, ModuleSchema schema, String appId) {
            ConnectionFactory connections = RabbitConnections.factory(brokerUri, "kurir-" + module + "-relay");
            RabbitMessagePublisher publisher = shutdown.add(Phase.CONNECTIONS,
                    new RabbitMessagePublisher(connections, appId, CONFIRM_TIMEOUT, MODULES));
            OutboxRelay relay = shutdown.add(Phase.RELAYS, new OutboxRelay(module, new JdbiOutboxStore(jdbi, schema),
                    publisher, config.messaging(), listener, clock));
            relay.start();
            return relay;
        }

        InboxService inbox(String module, ModuleSchema schema, String queue, Map<String, InboxHandler> handlers) {
            InboxService inbox = shutdown.add(Phase.INBOX, new InboxService(module, new JdbiInboxStore(jdbi, schema),
                    handlers, unitOfWork, config.messaging(), listener, clock));
            inbox.start();
            ConnectionFactory connections = RabbitConnections.factory(brokerUri, "kurir-" + module + "-inbox");
            RabbitInboxConsumer consumer = shutdown.add(Phase.CONSUMERS,
                    new RabbitInboxConsumer(connections, queue, inbox, config.amqpPrefetch(), MODULES));
            consumer.start();
            return inbox;
        }

        /** Deletes settled rows past the retention, checked every 10 minutes. */
        void retention(String module, ModuleSchema schema) {
            RetentionJob job = shutdown.add(Phase.INBOX, new RetentionJob(module, new JdbiRetentionStore(jdbi, schema),
                    config.retention(), clock, purged -> log.atInfo().addKeyValue("module", module)
                            .addKeyValue("rows", purged).log("retention deleted {} settled rows", purged)));
            job.start(RETENTION_INTERVAL);
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
        shutdown.closeAll();
        log.info("kurir stopped");
    }
}
