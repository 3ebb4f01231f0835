package dev.kurir.bootstrap;

import dev.kurir.adapters.http.HealthRoutes;
import dev.kurir.adapters.http.HttpServer;
import dev.kurir.adapters.http.ItemsRoutes;
import dev.kurir.adapters.http.OrdersRoutes;
import dev.kurir.adapters.inprocess.InProcessItemCatalog;
import dev.kurir.adapters.postgres.JdbiItemRepository;
import dev.kurir.adapters.postgres.JdbiOrderRepository;
import dev.kurir.adapters.postgres.JdbiOutbox;
import dev.kurir.adapters.postgres.JdbiUnitOfWork;
import dev.kurir.adapters.postgres.ModuleSchema;
import dev.kurir.application.items.ItemsModule;
import dev.kurir.application.orders.OrdersModule;
import dev.kurir.observability.health.HealthCheck;
import dev.kurir.observability.health.Readiness;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A running kurir: the whole system, wired by hand. Closing it stops everything in reverse order. */
public final class Kurir implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Kurir.class);

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

            Jdbi jdbi = Jdbi.create(database.dataSource());
            Clock clock = Clock.systemUTC();
            JdbiUnitOfWork unitOfWork = new JdbiUnitOfWork(jdbi);
            ItemsModule items = ItemsModule.create(new ItemsModule.Dependencies(
                    new JdbiItemRepository(jdbi), new JdbiOutbox(jdbi, ModuleSchema.ITEMS), unitOfWork, clock));
            OrdersModule orders = OrdersModule.create(new OrdersModule.Dependencies(
                    new JdbiOrderRepository(jdbi), new InProcessItemCatalog(items.prices()),
                    new JdbiOutbox(jdbi, ModuleSchema.ORDERS), unitOfWork, clock));

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
