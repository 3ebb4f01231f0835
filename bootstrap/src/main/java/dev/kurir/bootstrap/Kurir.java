package dev.kurir.bootstrap;

import com.rabbitmq.client.ConnectionFactory;
import dev.kurir.adapters.http.HealthRoutes;
import dev.kurir.adapters.http.HttpServer;
import dev.kurir.adapters.http.ItemsRoutes;
import dev.kurir.adapters.http.OrdersRoutes;
import dev.kurir.adapters.inprocess.InProcessItemCatalog;
import dev.kurir.adapters.postgres.JdbiInboxStore;
import dev.kurir.adapters.postgres.JdbiItemRepository;
import dev.kurir.adapters.postgres.JdbiOrderRepository;
import dev.kurir.adapters.postgres.JdbiOutbox;
import dev.kurir.adapters.postgres.JdbiOutboxStore;
import dev.kurir.adapters.postgres.JdbiUnitOfWork;
import dev.kurir.adapters.postgres.ModuleSchema;
import dev.kurir.adapters.rabbitmq.RabbitConnections;
import dev.kurir.adapters.rabbitmq.RabbitInboxConsumer;
import dev.kurir.adapters.rabbitmq.RabbitMessagePublisher;
import dev.kurir.application.items.ItemsModule;
import dev.kurir.application.messaging.handler.InboxHandler;
import dev.kurir.application.messaging.InboxService;
import dev.kurir.application.messaging.MessagingListener;
import dev.kurir.application.messaging.OutboxRelay;
import dev.kurir.application.orders.OrdersModule;
import dev.kurir.observability.health.HealthCheck;
import dev.kurir.observability.health.Readiness;
import dev.kurir.observability.logging.LoggingMessagingListener;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
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
    /**
     * The modules this process runs. Publishers and consumers declare their topology on every (re)connect, so
     * kurir starts while the broker is still down and recovers when a broker comes back without its queues.
     */
    private static final Set<String> MODULES = Set.of("orders", "items");

    private final List<AutoCloseable> resources;
    private final HttpServer api;
    private final HttpServer management;

    private Kurir(List<AutoCloseable> resources, HttpServer api, HttpServer management) {
        this.resources = resources;
        this.api = api;
        this.management = management;
    }

    public static Kurir start(KurirConfig config) {
        List<AutoCloseable> resources = new ArrayList<>();
        try {
            Database database = Database.open(config);
            resources.add(database);
            database.migrate(List.of(ModuleSchema.ORDERS, ModuleSchema.ITEMS));
            Broker broker = Broker.open(config);
            resources.add(broker);

            Jdbi jdbi = Jdbi.create(database.dataSource());
            Clock clock = Clock.systemUTC();
            JdbiUnitOfWork unitOfWork = new JdbiUnitOfWork(jdbi);
            MessagingListener listener = new LoggingMessagingListener();
            Messaging messaging = new Messaging(config, broker.uri(), jdbi, unitOfWork, listener, clock, resources);

            OutboxRelay itemsRelay = messaging.relay("items", ModuleSchema.ITEMS, "item-service");
            ItemsModule items = ItemsModule.create(new ItemsModule.Dependencies(new JdbiItemRepository(jdbi),
                    new JdbiOutbox(jdbi, ModuleSchema.ITEMS, itemsRelay::wakeUp), unitOfWork, clock));
            OutboxRelay ordersRelay = messaging.relay("orders", ModuleSchema.ORDERS, "order-service");
            OrdersModule orders = OrdersModule.create(new OrdersModule.Dependencies(
                    new JdbiOrderRepository(jdbi), new InProcessItemCatalog(items.prices()),
                    new JdbiOutbox(jdbi, ModuleSchema.ORDERS, ordersRelay::wakeUp), unitOfWork, clock));
            messaging.inbox("items", ModuleSchema.ITEMS, "items.order-events", items.inboxHandlers());
            messaging.inbox("orders", ModuleSchema.ORDERS, "orders.item-events", orders.inboxHandlers());

            Readiness readiness = new Readiness(List.of(new HealthCheck("postgresql", () -> ping(database.dataSource()))));
            HttpServer management = HttpServer.start(config.httpHost(), config.managementPort(),
                    List.of(new HealthRoutes(readiness)));
            resources.add(management);
            HttpServer api = HttpServer.start(config.httpHost(), config.httpPort(),
                    List.of(new ItemsRoutes(items), new OrdersRoutes(orders)));
            resources.add(api);
            log.info("kurir is up: API on port {}, management on port {}", api.port(), management.port());
            return new Kurir(resources, api, management);
        } catch (RuntimeException e) {
            closeAll(resources);
            throw e;
        }
    }

    /**
     * Builds each module's relay and inbox. Their start order is the order of {@code resources}; closing runs in
     * reverse, so consumers stop taking deliveries before the inbox workers and relays stop, and all of them
     * before the broker connection and the database pool go.
     */
    private record Messaging(KurirConfig config, String brokerUri, Jdbi jdbi, JdbiUnitOfWork unitOfWork,
                             MessagingListener listener, Clock clock, List<AutoCloseable> resources) {

        OutboxRelay relay(String module, ModuleSchema schema, String appId) {
            ConnectionFactory connections = RabbitConnections.factory(brokerUri, "kurir-" + module + "-relay");
            RabbitMessagePublisher publisher = new RabbitMessagePublisher(connections, appId, CONFIRM_TIMEOUT, MODULES);
            resources.add(publisher);
            OutboxRelay relay = new OutboxRelay(module, new JdbiOutboxStore(jdbi, schema), publisher,
                    config.messaging(), listener, clock);
            relay.start();
            resources.add(relay);
            return relay;
        }

        void inbox(String module, ModuleSchema schema, String queue, Map<String, InboxHandler> handlers) {
            InboxService inbox = new InboxService(module, new JdbiInboxStore(jdbi, schema), handlers, unitOfWork,
                    config.messaging(), listener, clock);
            inbox.start();
            resources.add(inbox);
            ConnectionFactory connections = RabbitConnections.factory(brokerUri, "kurir-" + module + "-inbox");
            RabbitInboxConsumer consumer = new RabbitInboxConsumer(connections, queue, inbox, config.amqpPrefetch(),
                    MODULES);
            consumer.start();
            resources.add(consumer);
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
        closeAll(resources);
        log.info("kurir stopped");
    }

    private static void closeAll(List<AutoCloseable> resources) {
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                log.warn("error while stopping {}", resources.get(i).getClass().getSimpleName(), e);
            }
        }
        resources.clear();
    }
}
