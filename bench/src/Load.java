import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * What the two load drivers (LoadGen for kurir's HTTP API, RawSaga for the raw-equivalent saga) share: an open-loop
 * arrival schedule, the rate search ("stairs") and the database read-outs. Everything the benchmark reports about
 * orders is read from the orders table (status, created_at, updated_at), never by polling the API.
 */
final class Load {
    private Load() {
    }

    /**
     * An open-loop arrival schedule: arrival i is due at a fixed time whatever happened to arrival i-1, so a slow
     * system gets requests queued behind it (and their waiting time counts), never fewer requests.
     */
    static final class Arrivals {
        private long next;
        private double intervalNanos;
        private long remaining;
        private boolean stopped;

        Arrivals(double rate, long count) {
            this.next = System.nanoTime();
            this.intervalNanos = 1e9 / rate;
            this.remaining = count;
        }

        /** The due time (System.nanoTime) of the next arrival, or -1 once the schedule is over. */
        synchronized long next() {
            if (stopped || remaining-- <= 0) {
                return -1;
            }
            long due = next;
            next += (long) intervalNanos;
            return due;
        }

        /** From now on, arrivals come at this rate (the schedule continues from its last arrival). */
        synchronized void rate(double rate) {
            intervalNanos = 1e9 / rate;
            long now = System.nanoTime();
            if (next < now - 1_000_000_000L) {
                next = now; // do not replay more than a second of arrivals the generator itself failed to send
            }
        }

        synchronized void stop() {
            stopped = true;
        }
    }

    static Connection db(String url) throws SQLException {
        return DriverManager.getConnection(url, System.getenv().getOrDefault("PGUSER", "postgres"), "");
    }

    static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    /** Orders CONFIRMED in [from, to) by updated_at, and orders still PENDING now. */
    static long[] progress(Connection db, String table, Instant from, Instant to) throws SQLException {
        try (PreparedStatement st = db.prepareStatement("SELECT count(*) FILTER (WHERE status = 'CONFIRMED' AND updated_at >= ?"
                + " AND updated_at < ?), count(*) FILTER (WHERE status = 'PENDING') FROM " + table)) {
            st.setObject(1, utc(from));
            st.setObject(2, utc(to));
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return new long[] {rs.getLong(1), rs.getLong(2)};
            }
        }
    }

    /**
     * Prints the saga's figures for orders created in [from, to): how many, how many CONFIRMED, the confirm rate in
     * that window, and the end-to-end latency (updated_at - created_at of CONFIRMED orders) percentiles in ms.
     */
    static void report(Connection db, String table, String prefix, Instant from, Instant to, long waitForMillis)
            throws Exception {
        // Give the saga a bounded time to finish the orders of the window (their latency counts in full).
        long deadline = System.currentTimeMillis() + waitForMillis;
        while (System.currentTimeMillis() < deadline) {
            try (PreparedStatement st = db.prepareStatement("SELECT count(*) FROM " + table
                    + " WHERE status = 'PENDING' AND created_at >= ? AND created_at < ?")) {
                st.setObject(1, utc(from));
                st.setObject(2, utc(to));
                try (ResultSet rs = st.executeQuery()) {
                    rs.next();
                    if (rs.getLong(1) == 0) {
                        break;
                    }
                }
            }
            Thread.sleep(250);
        }
        try (PreparedStatement st = db.prepareStatement("""
                SELECT count(*),
                       count(*) FILTER (WHERE status = 'CONFIRMED'),
                       count(*) FILTER (WHERE status = 'PENDING'),
                       percentile_cont(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (ORDER BY extract(epoch FROM updated_at - created_at) * 1000)
                           FILTER (WHERE status = 'CONFIRMED'),
                       max(extract(epoch FROM updated_at - created_at) * 1000) FILTER (WHERE status = 'CONFIRMED')
                FROM %s WHERE created_at >= ? AND created_at < ?""".formatted(table))) {
            st.setObject(1, utc(from));
            st.setObject(2, utc(to));
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                double seconds = (to.toEpochMilli() - from.toEpochMilli()) / 1000.0;
                out(prefix + "created", rs.getLong(1));
                out(prefix + "confirmed", rs.getLong(2));
                out(prefix + "still_pending", rs.getLong(3));
                out(prefix + "created_per_s", rs.getLong(1) / seconds);
                Double[] p = rs.getArray(4) == null ? new Double[] {Double.NaN, Double.NaN, Double.NaN}
                        : (Double[]) rs.getArray(4).getArray();
                out(prefix + "latency_p50_ms", p[0]);
                out(prefix + "latency_p95_ms", p[1]);
                out(prefix + "latency_p99_ms", p[2]);
                out(prefix + "latency_max_ms", rs.getDouble(5));
            }
        }
        // Throughput as the issue defines it: orders reaching CONFIRMED per second while the load runs.
        long[] done = progress(db, table, from, to);
        out(prefix + "confirmed_per_s", done[0] / ((to.toEpochMilli() - from.toEpochMilli()) / 1000.0));
    }

    /** The factor of the second, finer climb of the rate search. */
    static final double FINE_FACTOR = 1.05;

    /**
     * The rate search: offers rate, rate*factor, ... for stepSeconds each (open loop, continuously), and after each step
     * reads from the database how many orders reached CONFIRMED during the step's second half and how many are still
     * PENDING. A step is sustained when the confirm rate kept up (>= 95 % of the offered rate) and the backlog is under
     * half a second's worth of orders. After the first step that fails, the load drops to half the last sustained
     * rate until the backlog is gone, and the search climbs again from there in 5 % steps, so that the result is
     * within 5 % of the limit rather than within {@code factor}. Returns the highest sustained rate (0 if none).
     */
    static double stairs(Arrivals arrivals, String jdbcUrl, String table, double start, double factor, int stepSeconds,
                         int maxSteps, String prefix, Consumer<String> onStep) throws Exception {
        double best = 0;
        double rate = start;
        List<String> steps = new ArrayList<>();
        try (Connection db = db(jdbcUrl)) {
            for (int step = 0; step < maxSteps; step++) {
                arrivals.rate(rate);
                Thread.sleep(stepSeconds * 500L);
                Instant from = Instant.now();
                Thread.sleep(stepSeconds * 500L);
                Instant to = Instant.now();
                long[] p = progress(db, table, from, to);
                double confirmedRate = p[0] / ((to.toEpochMilli() - from.toEpochMilli()) / 1000.0);
                boolean kept = confirmedRate >= 0.95 * rate && p[1] <= rate / 2;
                String line = String.format(Locale.ROOT, "%.0f/s->%.0f/s(backlog %d)%s", rate, confirmedRate, p[1],
                        kept ? "" : "!");
                steps.add(line);
                onStep.accept(line);
                if (!kept) {
                    if (best == 0 || factor <= FINE_FACTOR) {
                        break;
                    }
                    arrivals.rate(best / 2);
                    String drained = awaitBacklogBelow(db, table, (long) (best / 4), Duration.ofSeconds(60));
                    steps.add(drained);
                    onStep.accept(drained);
                    factor = FINE_FACTOR;
                    rate = best * factor;
                    continue;
                }
                best = rate;
                rate = rate * factor;
            }
        }
        arrivals.stop();
        out(prefix + "stairs", String.join(" ", steps));
        out(prefix + "sustained_rate", best);
        return best;
    }

    /** Waits until fewer than {@code limit} orders are PENDING (or {@code timeout}); says how long it took. */
    static String awaitBacklogBelow(Connection db, String table, long limit, Duration timeout) throws Exception {
        long started = System.nanoTime();
        long pending;
        while ((pending = progress(db, table, Instant.now(), Instant.now())[1]) >= limit
                && System.nanoTime() - started < timeout.toNanos()) {
            Thread.sleep(250);
        }
        return String.format(Locale.ROOT, "(backlog %d after %.0f s at half rate)", pending,
                (System.nanoTime() - started) / 1e9);
    }

    static void out(String key, Object value) {
        if (value instanceof Double d) {
            System.out.println(key + "=" + (d.isNaN() ? "NaN" : String.format(Locale.ROOT, "%.1f", d)));
        } else {
            System.out.println(key + "=" + value);
        }
        System.out.flush();
    }
}
