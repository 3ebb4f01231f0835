package dev.kurir.bootstrap;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A randomized test of the messaging core against the real PostgreSQL and broker: seeded random interleavings of
 * orders, cancels, restocks and deadlines with faults at every step of the relay and the inbox, each run checked by
 * {@link SagaInvariants}. And, for each invariant, a deliberately broken kurir that the checker must catch, so that
 * no invariant passes only because it cannot fail.
 *
 * <p>{@code -Dkurir.invariant.runs} (default 2) and {@code -Dkurir.invariant.steps} (default 40) size it;
 * {@code -Dkurir.invariant.seed} (or {@code KURIR_INVARIANT_SEED}) sets the first run's seed, the next runs take the
 * following numbers. A failing run prints its seed, its violations and every step it took.
 */
class SagaInvariantIT {
    private static final Path SUMMARY = Path.of("target", "invariant-summary.txt");
    /** The variants' steps: their bug shows within a few orders. */
    private static final int VARIANT_STEPS = 15;
    private static final long VARIANT_SEED = 18L;

    @Test
    void randomRuns_keepEveryInvariant() {
        int runs = Integer.getInteger("kurir.invariant.runs", 2);
        int steps = Integer.getInteger("kurir.invariant.steps", 40);
        long first = firstSeed();
        List<String> lines = new ArrayList<>();
        Map<String, Integer> totals = new TreeMap<>();
        int faults = 0;
        for (int i = 0; i < runs; i++) {
            long began = System.nanoTime();
            SagaRun.Result result = SagaRun.run(first + i, SagaRun.Options.standard(steps));
            System.out.println(result.summary() + " wall=" + (System.nanoTime() - began) / 1_000_000 + "ms");
            lines.add(result.summary());
            writeLog("seed-" + result.seed(), result);
            if (!result.violations().isEmpty()) {
                write(lines);
                fail("run " + (i + 1) + " of " + runs + " broke the saga's invariants\n" + result.report());
            }
            result.figures().forEach((figure, value) -> totals.merge(figure, value, Integer::sum));
            faults += result.faults();
        }
        String total = "INVARIANT TOTAL runs=" + runs + " seeds=" + first + ".." + (first + runs - 1) + " steps="
                + runs * steps + " " + totals.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(" ")) + " faults=" + faults + " violations=0";
        System.out.println(total);
        lines.add(total);
        write(lines);
    }

    /** Items forgets an order's reservation once it answered: stock is held by nobody, and a copy reserves again. */
    @Test
    void checker_catchesAReservationWithoutItsOrderKey() {
        SagaRun.Result result = SagaRun.run(VARIANT_SEED, SagaRun.Options.standard(VARIANT_STEPS).withoutFaults()
                .broken(jdbi -> jdbi.useHandle(handle -> {
                    handle.execute("""
                            CREATE FUNCTION public.forget_reservation() RETURNS trigger LANGUAGE plpgsql AS $$
                            BEGIN
                                DELETE FROM items.reservations WHERE order_id = NEW.payload->>'order_id';
                                RETURN NEW;
                            END $$""");
                    handle.execute("CREATE TRIGGER forget_reservation AFTER INSERT ON items.outbox FOR EACH ROW "
                            + "WHEN (NEW.event_type = 'stock.reserved') EXECUTE FUNCTION public.forget_reservation()");
                })));
        assertCaught("reservation-without-order-key", result, "stock", "once");
    }

    /** No deadline, and the orders' events never reach items: orders stay PENDING. */
    @Test
    void checker_catchesOrdersThatNeverEnd() {
        SagaRun.Result result = SagaRun.run(VARIANT_SEED, SagaRun.Options.standard(VARIANT_STEPS).withoutFaults()
                .neverEnding().settlingWithin(Duration.ofSeconds(8)));
        assertCaught("orders-never-end", result, "final");
    }

    /** The items inbox drops every order.created without a trace, and the consumer acks it as a duplicate. */
    @Test
    void checker_catchesAnInboxThatDropsDeliveries() {
        SagaRun.Result result = SagaRun.run(VARIANT_SEED, SagaRun.Options.standard(VARIANT_STEPS).withoutFaults()
                .settlingWithin(Duration.ofSeconds(8))
                .broken(jdbi -> jdbi.useHandle(handle -> {
                    handle.execute("""
                            CREATE FUNCTION public.drop_delivery() RETURNS trigger LANGUAGE plpgsql AS $$
                            BEGIN
                                RETURN NULL;
                            END $$""");
                    handle.execute("CREATE TRIGGER drop_delivery BEFORE INSERT ON items.inbox FOR EACH ROW "
                            + "WHEN (NEW.event_type = 'order.created') EXECUTE FUNCTION public.drop_delivery()");
                })));
        assertCaught("inbox-drops-deliveries", result, "delivered");
    }

    private static void assertCaught(String variant, SagaRun.Result result, String... invariants) {
        System.out.println("broken variant " + variant + ": " + result.summary());
        writeLog(variant, result);
        Set<String> broken = result.violations().stream().map(SagaInvariants.Violation::invariant)
                .collect(Collectors.toSet());
        for (String invariant : invariants) {
            assertTrue(broken.contains(invariant), "the checker missed a broken '" + invariant + "'\n"
                    + result.report());
        }
        result.violations().stream().limit(5).forEach(violation -> System.out.println("  caught: " + violation));
    }

    private static long firstSeed() {
        String given = System.getProperty("kurir.invariant.seed", System.getenv("KURIR_INVARIANT_SEED"));
        return given == null || given.isBlank() ? System.nanoTime() : Long.parseLong(given.strip());
    }

    /** Every run's steps, in target/invariant/<name>.log, for a look at a run that passed too. */
    private static void writeLog(String name, SagaRun.Result result) {
        try {
            Path dir = SUMMARY.resolveSibling("invariant");
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(name + ".log"), result.report() + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(List<String> lines) {
        try {
            Files.createDirectories(SUMMARY.getParent());
            Files.write(SUMMARY, lines);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
