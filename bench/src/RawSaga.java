import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The raw-equivalent of kurir's saga: the same work per order with plain JDBC and amqp-client, no framework,
 * no leases, no metrics, no logging. The ceiling kurir is compared to.
 *
 * <pre>
 * producer: tx{ insert order PENDING + orders_outbox row }                  -> wakes relay A
 * relay A : tx{ select PENDING FOR UPDATE SKIP LOCKED limit 100; publish all (persistent, confirms);
 *               wait for confirms; mark SENT }                              -> exchange orders -> queue items
 * consumer B (items queue, manual ack): tx{ insert items_inbox ON CONFLICT DO NOTHING; reserve stock of every line;
 *               insert items_outbox stock.reserved }; ack                  -> wakes relay B
 * relay B : like relay A                                                    -> exchange items -> queue orders
 * consumer A (orders queue): tx{ insert orders_inbox ON CONFLICT DO NOTHING; order CONFIRMED, updated_at }; ack
 * </pre>
 *
 * Arrivals are open-loop at a fixed rate (like the HTTP load of kurir): producer threads take the next arrival
 * slot and run late rather than skip it. Throughput and latency are read afterwards from the database
 * (orders.created_at / updated_at) exactly as for kurir. Usage:
 * <pre>java -cp lib/* RawSaga.java db=jdbc:postgresql://... amqp=amqp://... mode=stairs start=200 factor=1.2 step=8</pre>
 * or {@code mode=fixed rate=500 seconds=60}; {@code producers=4 consumers=2 relays=1} are the thread counts.
 * It creates its tables in the given (scratch) database and leaves the data for the caller's queries.
 */
public final class RawSaga {
    static final int BATCH = 100;
    static final int SKUS = 100;

    final String jdbcUrl;
    final ConnectionFactory amqp = new ConnectionFactory();
    final Object relayAWake = new Object();
    final Object relayBWake = new Object();
    final AtomicLong signalA = new AtomicLong();
    final AtomicLong signalB = new AtomicLong();
    final AtomicLong confirmed = new AtomicLong();
    final AtomicLong placed = new AtomicLong();
    final AtomicLong errors = new AtomicLong();
    volatile boolean running = true;

    RawSaga(String jdbcUrl, String amqpUri) throws Exception {
        this.jdbcUrl = jdbcUrl;
        amqp.setUri(amqpUri);
        amqp.setAutomaticRecoveryEnabled(false);
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = new HashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            opt.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        if (!opt.containsKey("db") || !opt.containsKey("amqp")) {
            System.err.println("usage: RawSaga db=jdbc:... amqp=amqp://... mode=stairs|fixed [start= factor= step= steps=]"
                    + " [rate= seconds=] [producers=4] [consumers=2] [relays=1]");
            System.exit(2);
        }
        new RawSaga(opt.get("db"), opt.get("amqp")).run(opt);
    }

    Connection db() throws SQLException {
        Connection c = DriverManager.getConnection(jdbcUrl, "postgres", "");
        c.setAutoCommit(false);
        return c;
    }

    void schema() throws SQLException {
        try (Connection c = db(); var st = c.createStatement()) {
            st.execute("""
                    DROP TABLE IF EXISTS orders, orders_outbox, orders_inbox, items, items_outbox, items_inbox;
                    CREATE TABLE orders (order_id uuid PRIMARY KEY, customer_id text NOT NULL, amount numeric(14,2) NOT NULL,
                        status text NOT NULL, created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL);
                    CREATE TABLE items (sku text PRIMARY KEY, price numeric(14,2) NOT NULL, stock integer NOT NULL CHECK (stock >= 0));
                    """);
            for (String t : List.of("orders_outbox", "items_outbox")) {
                st.execute("CREATE TABLE " + t + " (id bigserial PRIMARY KEY, message_id uuid NOT NULL UNIQUE,"
                        + " event_type text NOT NULL, routing_key text NOT NULL, payload jsonb NOT NULL,"
                        + " status text NOT NULL DEFAULT 'PENDING', created_at timestamptz NOT NULL DEFAULT now(),"
                        + " updated_at timestamptz NOT NULL DEFAULT now());"
                        + " CREATE INDEX " + t + "_pending ON " + t + " (id) WHERE status = 'PENDING'");
            }
            for (String t : List.of("orders_inbox", "items_inbox")) {
                st.execute("CREATE TABLE " + t + " (id bigserial PRIMARY KEY, message_id uuid NOT NULL UNIQUE,"
                        + " event_type text NOT NULL, payload jsonb NOT NULL, status text NOT NULL,"
                        + " created_at timestamptz NOT NULL DEFAULT now(), updated_at timestamptz NOT NULL DEFAULT now())");
            }
            st.execute("INSERT INTO items SELECT 'BENCH-' || lpad(g::text, 3, '0'), 10.00, 1000000000"
                    + " FROM generate_series(1, " + SKUS + ") g");
            c.commit();
        }
    }

    void topology() throws Exception {
        try (var conn = amqp.newConnection("raw-saga-setup"); Channel ch = conn.createChannel()) {
            ch.exchangeDeclare("raw.orders", BuiltinExchangeType.TOPIC, true);
            ch.exchangeDeclare("raw.items", BuiltinExchangeType.TOPIC, true);
            ch.queueDeclare("raw.items.order-events", true, false, false, null);
            ch.queueDeclare("raw.orders.item-events", true, false, false, null);
            ch.queuePurge("raw.items.order-events");
            ch.queuePurge("raw.orders.item-events");
            ch.queueBind("raw.items.order-events", "raw.orders", "order.*");
            ch.queueBind("raw.orders.item-events", "raw.items", "stock.*");
        }
    }

    void run(Map<String, String> opt) throws Exception {
        int producers = Integer.parseInt(opt.getOrDefault("producers", "4"));
        int consumers = Integer.parseInt(opt.getOrDefault("consumers", "2"));
        int relays = Integer.parseInt(opt.getOrDefault("relays", "1"));
        schema();
        topology();
        var conn = amqp.newConnection("raw-saga");
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < relays; i++) {
            threads.add(Thread.ofPlatform().name("relay-orders-" + i).start(() -> relay("orders_outbox", "raw.orders", relayAWake, signalA, conn)));
            threads.add(Thread.ofPlatform().name("relay-items-" + i).start(() -> relay("items_outbox", "raw.items", relayBWake, signalB, conn)));
        }
        for (int i = 0; i < consumers; i++) {
            consume(conn, "raw.items.order-events", true);
            consume(conn, "raw.orders.item-events", false);
        }
        boolean stairs = "stairs".equals(opt.getOrDefault("mode", "fixed"));
        double rate = Double.parseDouble(opt.getOrDefault(stairs ? "start" : "rate", "100"));
        int seconds = Integer.parseInt(opt.getOrDefault("seconds", "30"));
        Load.Arrivals arrivals = new Load.Arrivals(rate, stairs ? Long.MAX_VALUE : (long) (rate * seconds));
        List<Thread> producing = new ArrayList<>();
        Instant from = Instant.now();
        for (int i = 0; i < producers; i++) {
            producing.add(Thread.ofPlatform().name("producer-" + i).start(() -> produce(arrivals)));
        }
        if (stairs) {
            Load.stairs(arrivals, jdbcUrl, "orders", rate, Double.parseDouble(opt.getOrDefault("factor", "1.2")),
                    Integer.parseInt(opt.getOrDefault("step", "8")), Integer.parseInt(opt.getOrDefault("steps", "20")),
                    "raw_", line -> System.err.println("raw saga step " + line));
        }
        for (Thread t : producing) {
            t.join();
        }
        Instant to = Instant.now();
        if (!stairs) {
            try (Connection db = Load.db(jdbcUrl)) {
                Load.report(db, "orders", "raw_", from, to, 30_000);
            }
        }
        // Let the saga finish what was placed (bounded), so the caller starts the next phase on a quiet machine.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (confirmed.get() < placed.get() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        running = false;
        wake(relayAWake, signalA);
        wake(relayBWake, signalB);
        for (Thread t : threads) {
            t.join(5_000);
        }
        conn.close();
        Load.out("raw_placed", placed.get());
        Load.out("raw_confirmed_total", confirmed.get());
        Load.out("raw_errors", errors.get());
    }

    void produce(Load.Arrivals arrivals) {
        try (Connection c = db();
             PreparedStatement order = c.prepareStatement("INSERT INTO orders VALUES (?, ?, ?, 'PENDING', clock_timestamp(), clock_timestamp())");
             PreparedStatement outbox = c.prepareStatement("INSERT INTO orders_outbox (message_id, event_type, routing_key, payload) VALUES (?, 'order.created', 'order.created', CAST(? AS jsonb))")) {
            for (long due; (due = arrivals.next()) >= 0; ) {
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                UUID orderId = UUID.randomUUID();
                String customer = "cust-" + ThreadLocalRandom.current().nextInt(1000);
                StringBuilder items = new StringBuilder();
                int lines = 1 + ThreadLocalRandom.current().nextInt(3);
                int first = ThreadLocalRandom.current().nextInt(SKUS);
                for (int l = 0; l < lines; l++) {
                    if (l > 0) items.append(',');
                    items.append("{\"sku\":\"BENCH-").append(String.format("%03d", 1 + (first + l * 7) % SKUS))
                            .append("\",\"quantity\":1}");
                }
                String amount = lines * 10 + ".00";
                order.setObject(1, orderId);
                order.setString(2, customer);
                order.setBigDecimal(3, new java.math.BigDecimal(amount));
                order.executeUpdate();
                outbox.setObject(1, UUID.randomUUID());
                outbox.setString(2, "{\"order_id\":\"" + orderId + "\",\"customer_id\":\"" + customer
                        + "\",\"amount\":\"" + amount + "\",\"items\":[" + items + "]}");
                outbox.executeUpdate();
                c.commit();
                placed.incrementAndGet();
                wake(relayAWake, signalA);
            }
        } catch (SQLException e) {
            throw new RuntimeException(e);
        }
    }

    void relay(String table, String exchange, Object wakeLock, AtomicLong signal, com.rabbitmq.client.Connection conn) {
        try (Connection c = db(); Channel ch = conn.createChannel()) {
            ch.confirmSelect();
            PreparedStatement claim = c.prepareStatement("SELECT id, message_id, event_type, routing_key, payload::text FROM "
                    + table + " WHERE status = 'PENDING' ORDER BY id LIMIT " + BATCH + " FOR UPDATE SKIP LOCKED");
            PreparedStatement sent = c.prepareStatement("UPDATE " + table
                    + " SET status = 'SENT', updated_at = now() WHERE id = ANY(?)");
            while (running) {
                long seen = signal.get();
                List<Long> ids = new ArrayList<>();
                try (ResultSet rs = claim.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getLong(1));
                        var props = new AMQP.BasicProperties.Builder().deliveryMode(2).messageId(rs.getString(2))
                                .type(rs.getString(3)).contentType("application/json").build();
                        ch.basicPublish(exchange, rs.getString(4), false, props, rs.getString(5).getBytes(StandardCharsets.UTF_8));
                    }
                }
                if (ids.isEmpty()) {
                    c.commit();
                    synchronized (wakeLock) {
                        if (signal.get() == seen && running) {
                            wakeLock.wait(100);
                        }
                    }
                    continue;
                }
                ch.waitForConfirmsOrDie(10_000);
                sent.setArray(1, c.createArrayOf("bigint", ids.toArray()));
                sent.executeUpdate();
                c.commit();
            }
        } catch (Exception e) {
            if (running) {
                e.printStackTrace();
            }
        }
    }

    void consume(com.rabbitmq.client.Connection conn, String queue, boolean items) throws Exception {
        Channel ch = conn.createChannel();
        ch.basicQos(100);
        Connection c = db();
        PreparedStatement inbox = c.prepareStatement("INSERT INTO " + (items ? "items_inbox" : "orders_inbox")
                + " (message_id, event_type, payload, status) VALUES (?, ?, CAST(? AS jsonb), 'PROCESSED')"
                + " ON CONFLICT (message_id) DO NOTHING");
        PreparedStatement reserve = c.prepareStatement("UPDATE items SET stock = stock - ? WHERE sku = ? AND stock >= ?");
        PreparedStatement outbox = c.prepareStatement("INSERT INTO items_outbox (message_id, event_type, routing_key, payload)"
                + " VALUES (?, ?, ?, CAST(? AS jsonb))");
        PreparedStatement confirm = c.prepareStatement("UPDATE orders SET status = 'CONFIRMED', updated_at = clock_timestamp()"
                + " WHERE order_id = ? AND status = 'PENDING'");
        ch.basicConsume(queue, false, new DefaultConsumer(ch) {
            @Override
            public void handleDelivery(String tag, Envelope env, AMQP.BasicProperties props, byte[] body) {
                try {
                    String json = new String(body, StandardCharsets.UTF_8);
                    inbox.setObject(1, UUID.fromString(props.getMessageId()));
                    inbox.setString(2, props.getType());
                    inbox.setString(3, json);
                    boolean fresh = inbox.executeUpdate() == 1;
                    String orderId = field(json, "order_id");
                    if (fresh && items) {
                        // Reserve every line or none (the rows are locked in sku order by the updates).
                        boolean ok = true;
                        for (String sku : skus(json)) {
                            reserve.setInt(1, 1);
                            reserve.setString(2, sku);
                            reserve.setInt(3, 1);
                            ok &= reserve.executeUpdate() == 1;
                        }
                        String type = ok ? "stock.reserved" : "stock.rejected";
                        outbox.setObject(1, UUID.randomUUID());
                        outbox.setString(2, type);
                        outbox.setString(3, type);
                        outbox.setString(4, "{\"order_id\":\"" + orderId + "\"}");
                        outbox.executeUpdate();
                    } else if (fresh) {
                        confirm.setObject(1, UUID.fromString(orderId));
                        confirm.executeUpdate();
                    }
                    c.commit();
                    ch.basicAck(env.getDeliveryTag(), false);
                    if (items) {
                        wake(relayBWake, signalB);
                    } else if (fresh) {
                        confirmed.incrementAndGet();
                    }
                } catch (Exception e) {
                    if (running && errors.incrementAndGet() <= 3) {
                        e.printStackTrace(); // a failure while measuring (not the acks cut off at the end)
                    }
                    try {
                        c.rollback();
                        ch.basicNack(env.getDeliveryTag(), false, true);
                    } catch (Exception ignored) {
                        // the channel is gone; the broker redelivers
                    }
                }
            }
        });
    }

    static void wake(Object lock, AtomicLong signal) {
        signal.incrementAndGet();
        synchronized (lock) {
            lock.notifyAll();
        }
    }

    /** The string value of a top-level field; jsonb renders {@code "name": "value"}. */
    static String field(String json, String name) {
        return valueAfter(json, json.indexOf("\"" + name + "\""));
    }

    static String valueAfter(String json, int keyAt) {
        int colon = json.indexOf(':', keyAt);
        int open = json.indexOf('"', colon);
        return json.substring(open + 1, json.indexOf('"', open + 1));
    }

    static List<String> skus(String json) {
        List<String> skus = new ArrayList<>();
        for (int at = json.indexOf("\"sku\""); at >= 0; at = json.indexOf("\"sku\"", at + 1)) {
            skus.add(valueAfter(json, at));
        }
        skus.sort(null);
        return skus;
    }
}
