import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * An open-loop load generator for {@code POST /api/orders} (the wrk2 model in a few lines of Java): arrivals come on a
 * fixed schedule, {@code connections} keep-alive HTTP/1.1 connections take them in turn, and a request's latency is
 * counted from its scheduled time, so waiting for a free connection counts too (no coordinated omission). Every run is
 * bounded in count and time. Order bodies: a random customer and 1-3 distinct lines over {@code skus} items named
 * BENCH-001..., quantity 1.
 *
 * <pre>
 * java -cp lib/* LoadGen.java url=http://127.0.0.1:18080 db=jdbc:postgresql://127.0.0.1:5432/x mode=fixed rate=100 seconds=60
 * java -cp lib/* LoadGen.java url=... db=... mode=stairs start=200 factor=1.2 step=8 steps=15
 * java -cp lib/* LoadGen.java url=... db=... mode=fixed rate=100 seconds=80 windows=5-15,65-80
 * </pre>
 * Prints key=value lines: HTTP counts and latencies, and (mode=fixed) the saga figures read from orders.orders for the
 * orders created during the run: CONFIRMED per second and created_at -> updated_at percentiles; with {@code windows},
 * the same figures for the orders created in each window (seconds after the load began), prefixed
 * {@code saga_w<from>_<to>_}.
 */
public final class LoadGen {
    private static final int MAX_SECONDS = 600;

    private final URI url;
    private final int skus;
    private final AtomicLong ok = new AtomicLong();
    private final AtomicLong ioErrors = new AtomicLong();
    private final Map<Integer, AtomicLong> otherStatus = new ConcurrentHashMap<>();
    private final List<long[]> latencies = new ArrayList<>();
    private final int[] latencyCounts;

    private LoadGen(URI url, int skus, int connections) {
        this.url = url;
        this.skus = skus;
        this.latencyCounts = new int[connections];
        for (int i = 0; i < connections; i++) {
            latencies.add(new long[1 << 16]);
        }
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = new HashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            opt.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        int connections = Integer.parseInt(opt.getOrDefault("connections", "64"));
        LoadGen gen = new LoadGen(URI.create(opt.get("url")), Integer.parseInt(opt.getOrDefault("skus", "100")), connections);
        String db = opt.get("db");
        String table = opt.getOrDefault("table", "orders.orders");
        boolean stairs = "stairs".equals(opt.getOrDefault("mode", "fixed"));
        double rate = Double.parseDouble(opt.getOrDefault(stairs ? "start" : "rate", "100"));
        int seconds = Math.min(MAX_SECONDS, Integer.parseInt(opt.getOrDefault("seconds", "60")));
        // Bounded in count in every mode: a stairs run stops after its last step, and at MAX_SECONDS at the latest.
        long count = stairs ? (long) (rate * MAX_SECONDS * 20) : (long) (rate * seconds);
        Load.Arrivals arrivals = new Load.Arrivals(rate, count);
        long stopAt = System.nanoTime() + (MAX_SECONDS + 5) * 1_000_000_000L;
        Instant from = Instant.now();
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            int index = i;
            workers.add(Thread.ofVirtual().start(() -> gen.work(index, arrivals, stopAt)));
        }
        if (stairs) {
            Load.stairs(arrivals, db, table, rate, Double.parseDouble(opt.getOrDefault("factor", "1.2")),
                    Integer.parseInt(opt.getOrDefault("step", "8")), Integer.parseInt(opt.getOrDefault("steps", "20")),
                    "", line -> System.err.println("kurir step " + line));
        }
        for (Thread worker : workers) {
            worker.join();
        }
        Instant to = Instant.now();
        double took = (to.toEpochMilli() - from.toEpochMilli()) / 1000.0;
        Load.out("http_201", gen.ok.get());
        Load.out("http_201_per_s", gen.ok.get() / took);
        Load.out("http_other", gen.otherStatus.toString());
        Load.out("http_io_errors", gen.ioErrors.get());
        long[] all = gen.allLatencies();
        Load.out("http_p50_ms", percentile(all, 0.50));
        Load.out("http_p99_ms", percentile(all, 0.99));
        if (!stairs && db != null) {
            try (Connection c = Load.db(db)) {
                Load.report(c, table, "saga_", from, to, 30_000);
                for (String window : opt.getOrDefault("windows", "").split(",")) {
                    if (!window.isBlank()) {
                        String[] bounds = window.split("-");
                        Load.report(c, table, "saga_w" + bounds[0] + "_" + bounds[1] + "_",
                                from.plusSeconds(Long.parseLong(bounds[0])), from.plusSeconds(Long.parseLong(bounds[1])),
                                0);
                    }
                }
            }
        }
        // Fail (for the smoke run) when the API did not accept orders.
        System.exit(gen.ok.get() > 0 && gen.otherStatus.isEmpty() ? 0 : 1);
    }

    private void work(int index, Load.Arrivals arrivals, long stopAt) {
        Socket socket = null;
        InputStream in = null;
        OutputStream out = null;
        for (long due; (due = arrivals.next()) >= 0 && System.nanoTime() < stopAt; ) {
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            byte[] request = request();
            try {
                if (socket == null) {
                    socket = new Socket();
                    socket.setTcpNoDelay(true);
                    socket.connect(new InetSocketAddress(url.getHost(), url.getPort()), 2_000);
                    socket.setSoTimeout(30_000);
                    in = new BufferedInputStream(socket.getInputStream(), 8192);
                    out = socket.getOutputStream();
                }
                out.write(request);
                out.flush();
                int status = readResponse(in);
                record(index, System.nanoTime() - due);
                if (status == 201) {
                    ok.incrementAndGet();
                } else {
                    otherStatus.computeIfAbsent(status, s -> new AtomicLong()).incrementAndGet();
                }
            } catch (IOException e) {
                ioErrors.incrementAndGet();
                close(socket);
                socket = null;
                LockSupport.parkNanos(10_000_000L);
            }
        }
        close(socket);
    }

    private byte[] request() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int lines = 1 + random.nextInt(3);
        int first = random.nextInt(skus);
        StringBuilder body = new StringBuilder(160).append("{\"customerId\":\"cust-").append(random.nextInt(1000))
                .append("\",\"items\":[");
        for (int l = 0; l < lines; l++) {
            if (l > 0) {
                body.append(',');
            }
            body.append("{\"sku\":\"BENCH-").append(String.format("%03d", 1 + (first + l * 7) % skus))
                    .append("\",\"quantity\":1}");
        }
        byte[] json = body.append("]}").toString().getBytes(StandardCharsets.UTF_8);
        byte[] head = ("POST /api/orders HTTP/1.1\r\nHost: " + url.getHost() + ":" + url.getPort()
                + "\r\nContent-Type: application/json\r\nContent-Length: " + json.length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        byte[] all = Arrays.copyOf(head, head.length + json.length);
        System.arraycopy(json, 0, all, head.length, json.length);
        return all;
    }

    /** Reads one response (Content-Length or chunked); returns its status. */
    private static int readResponse(InputStream in) throws IOException {
        String statusLine = line(in);
        if (statusLine == null || statusLine.length() < 12) {
            throw new IOException("connection closed");
        }
        int status = Integer.parseInt(statusLine.substring(9, 12));
        long length = -1;
        boolean chunked = false;
        boolean close = false;
        for (String header; !(header = line(in)).isEmpty(); ) {
            String lower = header.toLowerCase();
            if (lower.startsWith("content-length:")) {
                length = Long.parseLong(lower.substring(15).trim());
            } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            } else if (lower.startsWith("connection:") && lower.contains("close")) {
                close = true;
            }
        }
        if (chunked) {
            for (long size; (size = Long.parseLong(line(in).trim().split(";")[0], 16)) > 0; ) {
                skip(in, size);
                line(in);
            }
            while (!line(in).isEmpty()) {
                // trailers
            }
        } else if (length > 0) {
            skip(in, length);
        }
        if (close) {
            throw new IOException("server closed the connection");
        }
        return status;
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c; (c = in.read()) != -1; ) {
            if (c == '\n') {
                int end = line.length();
                return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
            }
            line.append((char) c);
        }
        return line.isEmpty() ? null : line.toString();
    }

    private static void skip(InputStream in, long n) throws IOException {
        while (n > 0) {
            long skipped = in.skip(n);
            if (skipped <= 0) {
                if (in.read() == -1) {
                    throw new IOException("connection closed in a body");
                }
                skipped = 1;
            }
            n -= skipped;
        }
    }

    private void record(int index, long nanos) {
        long[] mine = latencies.get(index);
        int n = latencyCounts[index];
        if (n == mine.length) {
            mine = Arrays.copyOf(mine, n * 2);
            latencies.set(index, mine);
        }
        mine[n] = nanos;
        latencyCounts[index] = n + 1;
    }

    private long[] allLatencies() {
        int total = 0;
        for (int n : latencyCounts) {
            total += n;
        }
        long[] all = new long[total];
        int at = 0;
        for (int i = 0; i < latencyCounts.length; i++) {
            System.arraycopy(latencies.get(i), 0, all, at, latencyCounts[i]);
            at += latencyCounts[i];
        }
        Arrays.sort(all);
        return all;
    }

    private static double percentile(long[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[(int) Math.min(sorted.length - 1, Math.round(q * (sorted.length - 1)))] / 1e6;
    }

    private static void close(Socket socket) {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }
}
