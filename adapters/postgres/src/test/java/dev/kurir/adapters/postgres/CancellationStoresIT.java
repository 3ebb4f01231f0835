package dev.kurir.adapters.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kurir.domain.items.Item;
import dev.kurir.domain.items.Reservation;
import dev.kurir.domain.items.Sku;
import dev.kurir.domain.orders.Order;
import dev.kurir.domain.orders.OrderLine;
import dev.kurir.domain.orders.OrderStatus;
import dev.kurir.domain.shared.Money;
import dev.kurir.testing.TestDatabase;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Reservations per order and the saga deadline's claim, against a real PostgreSQL. */
class CancellationStoresIT {
    private static TestDatabase database;
    private static Jdbi jdbi;

    private final JdbiUnitOfWork unitOfWork = new JdbiUnitOfWork(jdbi);
    private final JdbiOrderRepository orders = new JdbiOrderRepository(jdbi);
    private final JdbiReservations reservations = new JdbiReservations(jdbi);

    @BeforeAll
    static void migrate() {
        database = TestDatabase.create();
        for (ModuleSchema schema : Schemas.ALL) {
            Flyway.configure().dataSource(database.dataSource()).schemas(schema.schemaName()).createSchemas(true)
                    .locations(schema.migrationLocation()).load().migrate();
        }
        jdbi = Jdbi.create(database.dataSource());
        new JdbiItemRepository(jdbi).insertIfAbsent(new Item(new Sku("A"), "A", Money.of("1.00"), 100));
        new JdbiItemRepository(jdbi).insertIfAbsent(new Item(new Sku("B"), "B", Money.of("1.00"), 100));
    }

    @AfterAll
    static void drop() {
        database.close();
    }

    @Test
    void reservation_roundTrips_throughEveryState() {
        unitOfWork.inTransaction(() -> {
            assertEquals(Optional.empty(), reservations.lock("o-1"));
            reservations.save(Reservation.reserved("o-1", Map.of(new Sku("A"), 2, new Sku("B"), 3)));
            reservations.save(Reservation.tombstone("o-2"));
            reservations.save(Reservation.rejected("o-3", "not enough stock"));
            return null;
        });
        Reservation reserved = unitOfWork.inTransaction(() -> reservations.lock("o-1")).orElseThrow();
        assertEquals(Map.of(new Sku("A"), 2, new Sku("B"), 3), reserved.lines());
        assertTrue(reserved.holdsStock());
        unitOfWork.inTransaction(() -> {
            reservations.save(reserved.cancel());
            reservations.save(reservations.lock("o-2").orElseThrow().refuseLateOrder());
            return null;
        });
        Reservation released = unitOfWork.inTransaction(() -> reservations.lock("o-1")).orElseThrow();
        assertFalse(released.holdsStock());
        assertEquals(Map.of(new Sku("A"), 2, new Sku("B"), 3), released.lines(), "what went back is kept");
        Reservation refused = unitOfWork.inTransaction(() -> reservations.lock("o-2")).orElseThrow();
        assertEquals(Reservation.Decision.REJECTED, refused.decision());
        assertEquals(Reservation.ORDER_CANCELLED, refused.reason());
        assertTrue(refused.cancelled());
        assertEquals("not enough stock",
                unitOfWork.inTransaction(() -> reservations.lock("o-3")).orElseThrow().reason());
    }

    @Test
    void lock_holdsTheOrder_evenBeforeItsFirstReservationExists() throws Exception {
        CountDownLatch locked = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Void> first = CompletableFuture.runAsync(() -> unitOfWork.inTransaction(() -> {
            assertEquals(Optional.empty(), reservations.lock("o-race"));
            locked.countDown();
            await(release);
            reservations.save(Reservation.reserved("o-race", Map.of(new Sku("A"), 1)));
            return null;
        }));
        assertTrue(locked.await(10, TimeUnit.SECONDS));
        CompletableFuture<Optional<Reservation>> second = CompletableFuture.supplyAsync(
                () -> unitOfWork.inTransaction(() -> reservations.lock("o-race")));
        Thread.sleep(300);
        assertFalse(second.isDone(), "the second event of the order must wait for the first");
        release.countDown();
        first.get(10, TimeUnit.SECONDS);
        assertEquals(Reservation.Decision.RESERVED,
                second.get(10, TimeUnit.SECONDS).orElseThrow().decision(), "and then see what it committed");
    }

    @Test
    void overduePendingOrders_areClaimedOldestFirst_skippingLockedOnes_andCancelledOrdersRoundTrip() throws Exception {
        jdbi.useHandle(h -> h.execute("TRUNCATE orders.orders CASCADE"));
        Instant now = Instant.parse("2026-12-07T12:00:00Z");
        Order old = place(now.minusSeconds(600));
        Order older = place(now.minusSeconds(900));
        Order young = place(now.minusSeconds(10));
        Order confirmed = place(now.minusSeconds(1200));
        confirmed.confirm(Clock.systemUTC());
        orders.updateStatus(confirmed);

        CountDownLatch locked = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Void> other = CompletableFuture.runAsync(() -> unitOfWork.inTransaction(() -> {
            orders.lockById(older.orderId());
            locked.countDown();
            await(release);
            return null;
        }));
        assertTrue(locked.await(10, TimeUnit.SECONDS));
        try {
            List<Order> claimed = unitOfWork.inTransaction(() -> orders.lockPendingPlacedBefore(now.minusSeconds(300), 10));
            assertEquals(List.of(old.orderId()), claimed.stream().map(Order::orderId).toList());
            assertEquals(1, claimed.getFirst().lines().size());
        } finally {
            release.countDown();
            other.get(10, TimeUnit.SECONDS);
        }
        List<Order> claimed = unitOfWork.inTransaction(() -> orders.lockPendingPlacedBefore(now.minusSeconds(300), 10));
        assertEquals(List.of(older.orderId(), old.orderId()), claimed.stream().map(Order::orderId).toList());

        Order cancelled = claimed.getFirst();
        cancelled.cancel("deadline exceeded", Clock.systemUTC());
        orders.updateStatus(cancelled);
        Order read = orders.findById(cancelled.orderId()).orElseThrow();
        assertEquals(OrderStatus.CANCELLED, read.status());
        assertEquals("deadline exceeded", read.cancellationReason());
        assertEquals(List.of(old.orderId()), orders.lockPendingPlacedBefore(now.minusSeconds(300), 10).stream()
                .map(Order::orderId).toList());
        assertEquals(Set.of(young.orderId(), old.orderId()), Set.copyOf(orders.lockPendingPlacedBefore(now, 10)
                .stream().map(Order::orderId).toList()));
    }

    @Test
    void upgrade_fillsReservationsFromTheAnswersStillInTheOutbox_theFirstAnswerPerOrder() {
        try (TestDatabase upgraded = TestDatabase.create()) {
            Flyway.configure().dataSource(upgraded.dataSource()).schemas("items").createSchemas(true)
                    .locations(Schemas.ITEMS.migrationLocation()).target("3").load().migrate();
            Jdbi old = Jdbi.create(upgraded.dataSource());
            old.useHandle(h -> {
                h.execute("INSERT INTO items.items (sku, name, price, stock) VALUES ('A', 'A', 1, 10), ('B', 'B', 1, 10)");
                String insert = "INSERT INTO items.outbox (message_id, event_type, payload, routing_key) "
                        + "VALUES (gen_random_uuid(), ?, CAST(? AS jsonb), ?)";
                h.execute(insert, "stock.reserved", """
                        {"order_id":"o-1","items":[{"sku":"A","quantity":2},{"sku":"B","quantity":1}]}""", "stock.reserved");
                h.execute(insert, "stock.rejected", """
                        {"order_id":"o-2","reason":"not enough stock"}""", "stock.rejected");
                // The same order answered twice (the defect reservations fix): the first answer took effect.
                h.execute(insert, "stock.reserved", """
                        {"order_id":"o-1","items":[{"sku":"A","quantity":2},{"sku":"B","quantity":1}]}""", "stock.reserved");
                h.execute(insert, "stock.rejected", """
                        {"order_id":"o-3","reason":"unknown sku C"}""", "stock.rejected");
                h.execute(insert, "stock.reserved", """
                        {"order_id":"o-3","items":[{"sku":"A","quantity":1}]}""", "stock.reserved");
            });
            Flyway.configure().dataSource(upgraded.dataSource()).schemas("items")
                    .locations(Schemas.ITEMS.migrationLocation()).load().migrate();

            JdbiUnitOfWork work = new JdbiUnitOfWork(old);
            JdbiReservations upgradedReservations = new JdbiReservations(old);
            Reservation first = work.inTransaction(() -> upgradedReservations.lock("o-1")).orElseThrow();
            assertTrue(first.holdsStock());
            assertEquals(Map.of(new Sku("A"), 2, new Sku("B"), 1), first.lines());
            Reservation second = work.inTransaction(() -> upgradedReservations.lock("o-2")).orElseThrow();
            assertEquals(Reservation.Decision.REJECTED, second.decision());
            assertEquals("not enough stock", second.reason());
            Reservation third = work.inTransaction(() -> upgradedReservations.lock("o-3")).orElseThrow();
            assertEquals(Reservation.Decision.REJECTED, third.decision());
            assertEquals(Map.of(), third.lines());
            assertEquals(3L, (long) old.withHandle(h -> h.createQuery("SELECT count(*) FROM items.reservations")
                    .mapTo(Long.class).one()));
        }
    }

    private Order place(Instant at) {
        Order order = Order.place("cust-1", List.of(new OrderLine(new dev.kurir.domain.orders.Sku("A"), 1,
                Money.of("1.00"))), Clock.fixed(at, ZoneOffset.UTC));
        orders.insert(order);
        return order;
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new AssertionError("latch timed out");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
