package dev.kurir.bootstrap;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kurir.adapters.http.HttpServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The HTTP server's stop, as a SIGTERM or a rolling update brings it: a request in flight is answered before its
 * connection closes (its order may have been placed: the client must hear so), and a request that arrives meanwhile
 * on a kept-alive connection is refused with a problem that says nothing was done.
 */
class GracefulStopTest {
    private static final Executor THREADS = task -> Thread.ofPlatform().daemon().start(task);

    /** One HTTP/1.1 exchange on a raw connection, so that the test decides when each request is sent. */
    private record Answer(int status, Map<String, String> headers, String body) {
    }

    @Test
    void stopping_answersTheRequestInFlight_andRefusesANewOneOnAKeptAliveConnection() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        HttpServer server = HttpServer.start("127.0.0.1", 0, List.of(routes -> {
            routes.get("/fast", ctx -> ctx.result("fast"));
            routes.get("/slow", ctx -> {
                entered.countDown();
                release.await(20, TimeUnit.SECONDS);
                ctx.result("done");
            });
        }));
        try (Socket keptAlive = new Socket("127.0.0.1", server.port());
             Socket inFlight = new Socket("127.0.0.1", server.port())) {
            assertEquals(200, exchange(keptAlive, "/fast").status(), "the kept-alive connection works");
            // Threads of their own: the common pool may have a single thread, which the slow request would hold.
            CompletableFuture<Answer> slow = CompletableFuture.supplyAsync(() -> exchange(inFlight, "/slow"), THREADS);
            assertTrue(entered.await(10, TimeUnit.SECONDS), "the slow request is being handled");

            CompletableFuture<Void> stopped = CompletableFuture.runAsync(server::close, THREADS);
            Answer refused = awaitRefusal(keptAlive, stopped);
            assertEquals(503, refused.status(), refused.toString());
            assertEquals("application/problem+json", refused.headers().get("content-type"), refused.toString());
            assertEquals("close", refused.headers().get("connection"), refused.toString());
            assertEquals("1", refused.headers().get("retry-after"), refused.toString());
            assertTrue(refused.body().contains("\"type\":\"/problems/stopping\""), refused.body());

            release.countDown();
            Answer answered = slow.get(15, TimeUnit.SECONDS);
            assertEquals(200, answered.status(), answered.toString());
            assertEquals("done", answered.body());
            stopped.get(15, TimeUnit.SECONDS);
        } finally {
            release.countDown();
            server.close();
        }
    }

    /** The stop begins on another thread: asks on the kept-alive connection until the answer is the refusal. */
    private static Answer awaitRefusal(Socket keptAlive, CompletableFuture<Void> stopped) throws Exception {
        for (int i = 0; i < 100; i++) {
            Answer answer = exchange(keptAlive, "/fast");
            if (answer.status() != 200 || stopped.isDone()) {
                return answer;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the server never began to stop");
    }

    private static Answer exchange(Socket socket, String path) {
        try {
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n").getBytes(US_ASCII));
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), US_ASCII));
            String statusLine = in.readLine();
            if (statusLine == null) {
                throw new AssertionError("the server closed the connection without an answer to " + path);
            }
            int status = Integer.parseInt(statusLine.split(" ")[1]);
            Map<String, String> headers = new LinkedHashMap<>();
            for (String line = in.readLine(); !line.isEmpty(); line = in.readLine()) {
                String[] header = line.split(":", 2);
                headers.put(header[0].trim().toLowerCase(Locale.ROOT), header[1].trim());
            }
            StringBuilder body = new StringBuilder();
            if ("chunked".equals(headers.get("transfer-encoding"))) {
                for (int size = Integer.parseInt(in.readLine().trim(), 16); size > 0;
                     size = Integer.parseInt(in.readLine().trim(), 16)) {
                    body.append(read(in, size));
                    in.readLine(); // the CRLF after the chunk
                }
                in.readLine(); // the CRLF after the last chunk
            } else {
                body.append(read(in, Integer.parseInt(headers.getOrDefault("content-length", "0"))));
            }
            return new Answer(status, headers, body.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(BufferedReader in, int length) throws IOException {
        char[] chars = new char[length];
        for (int read = 0; read < length; ) {
            int n = in.read(chars, read, length - read);
            if (n < 0) {
                throw new IOException("the connection closed in the middle of a body");
            }
            read += n;
        }
        return new String(chars);
    }
}
