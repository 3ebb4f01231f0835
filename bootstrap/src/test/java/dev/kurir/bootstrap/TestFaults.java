package dev.kurir.bootstrap;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.jdbi.v3.core.Jdbi;

/**
 * Statements that fail on purpose, at chosen steps of the relay, the inbox and the handlers: a trigger per step
 * raises while {@code public.test_faults} holds an unexpired row for it. Installed into a test database only.
 */
final class TestFaults {
    /** A step that can be made to fail: a trigger on a table, for the rows its condition picks. */
    enum Point {
        ORDERS_RELAY_CLAIM("orders.outbox", "UPDATE", "OLD.locked_by IS NULL AND NEW.locked_by IS NOT NULL"),
        ORDERS_RELAY_MARK_SENT("orders.outbox", "UPDATE", "OLD.status = 'PENDING' AND NEW.status = 'SENT'"),
        ITEMS_RELAY_MARK_SENT("items.outbox", "UPDATE", "OLD.status = 'PENDING' AND NEW.status = 'SENT'"),
        ITEMS_RELAY_RETRY("items.outbox", "UPDATE", "NEW.retry_count > OLD.retry_count"),
        ORDERS_OUTBOX_APPEND("orders.outbox", "INSERT", null),
        ITEMS_OUTBOX_APPEND("items.outbox", "INSERT", null),
        ITEMS_INBOX_INSERT("items.inbox", "INSERT", null),
        ORDERS_INBOX_INSERT("orders.inbox", "INSERT", null),
        ITEMS_INBOX_MARK_PROCESSED("items.inbox", "UPDATE", "OLD.status = 'PENDING' AND NEW.status = 'PROCESSED'"),
        ORDERS_INBOX_CLAIM("orders.inbox", "UPDATE", "OLD.locked_by IS NULL AND NEW.locked_by IS NOT NULL"),
        RESERVATIONS_WRITE("items.reservations", "INSERT OR UPDATE", null),
        ITEMS_STOCK_UPDATE("items.items", "UPDATE", "NEW.stock <> OLD.stock"),
        ORDERS_STATUS_UPDATE("orders.orders", "UPDATE", "NEW.status <> OLD.status");

        private final String table;
        private final String events;
        private final String condition;

        Point(String table, String events, String condition) {
            this.table = table;
            this.events = events;
            this.condition = condition;
        }
    }

    private final Jdbi jdbi;

    private TestFaults(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** Creates the flag table and one trigger per {@link Point}, all switched off. */
    static TestFaults install(Jdbi jdbi) {
        jdbi.useHandle(handle -> {
            handle.execute("CREATE TABLE public.test_faults (point text PRIMARY KEY, until timestamptz NOT NULL)");
            handle.execute("""
                    CREATE FUNCTION public.test_fault() RETURNS trigger LANGUAGE plpgsql AS $$
                    BEGIN
                        IF EXISTS (SELECT 1 FROM public.test_faults
                                   WHERE point = TG_ARGV[0] AND until > clock_timestamp()) THEN
                            RAISE EXCEPTION 'injected test fault at %', TG_ARGV[0];
                        END IF;
                        RETURN NEW;
                    END $$""");
            for (Point point : Point.values()) {
                // Test-owned constants only: DDL cannot bind identifiers.
                handle.execute("CREATE TRIGGER test_fault_" + point.name().toLowerCase(Locale.ROOT) + " BEFORE " + point.events
                        + " ON " + point.table + " FOR EACH ROW"
                        + (point.condition == null ? "" : " WHEN (" + point.condition + ")")
                        + " EXECUTE FUNCTION public.test_fault('" + point.name() + "')");
            }
        });
        return new TestFaults(jdbi);
    }

    /** Makes {@code point}'s statements fail from now for {@code window}. */
    void failFor(Point point, Duration window) {
        jdbi.useHandle(handle -> handle.createUpdate("""
                        INSERT INTO public.test_faults (point, until)
                        VALUES (:point, clock_timestamp() + :millis * interval '1 millisecond')
                        ON CONFLICT (point) DO UPDATE SET until = EXCLUDED.until
                        """)
                .bind("point", point.name())
                .bind("millis", window.toMillis())
                .execute());
    }

    /** Switches every fault off. */
    void clear() {
        jdbi.useHandle(handle -> handle.execute("DELETE FROM public.test_faults"));
    }

    /** Every point, for the driver to pick from. */
    static List<Point> points() {
        return List.of(Point.values());
    }
}
