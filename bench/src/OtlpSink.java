import com.sun.net.httpserver.HttpServer;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A stand-in OTLP/HTTP collector on 127.0.0.1: accepts {@code POST /v1/traces} (and metrics/logs), reads the body and
 * answers 200 with an empty protobuf message, counting requests and bytes. With it, the agent does all the work a
 * real deployment costs it (spans, batching, protobuf encoding, HTTP export) and nothing is shipped anywhere.
 * Usage: {@code java OtlpSink.java <port-file> [seconds]}; binds an ephemeral port, writes it to port-file, and on
 * exit (SIGTERM or the time limit) prints requests and bytes received.
 */
public final class OtlpSink {
    public static void main(String[] args) throws Exception {
        AtomicLong requests = new AtomicLong();
        AtomicLong bytes = new AtomicLong();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.createContext("/", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                bytes.addAndGet(in.transferTo(java.io.OutputStream.nullOutputStream()));
            }
            requests.incrementAndGet();
            exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.setExecutor(Executors.newFixedThreadPool(2));
        server.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.stop(0);
            System.out.println("otlp_requests=" + requests.get());
            System.out.println("otlp_bytes=" + bytes.get());
        }));
        Path portFile = Path.of(args[0]);
        Files.writeString(portFile, Integer.toString(server.getAddress().getPort()));
        long seconds = args.length > 1 ? Long.parseLong(args[1]) : 3600;
        Thread.sleep(seconds * 1000);
        System.exit(0);
    }
}
