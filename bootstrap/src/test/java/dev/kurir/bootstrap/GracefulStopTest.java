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
import java.net.SocketException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The HTTP server's stop, as a SIGTERM or a rolling update brings it: a request in flight is answered before its
 * connection closes (its order may have been placed: the client must hear so), and a request that arrives meanwhile
 * on a kept-alive connection is not handled: refused with a problem that says nothing was done, or, when Jetty closed
 * the idle connection first, left unanswered on a closed connection (the race every keep-alive client has).
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
        AtomicInteger fastHandled = new AtomicInteger();
        HttpServer server = HttpServer.start("127.0.0.1", 0, List.of(routes -> {
            routes.get("/fast", ctx -> {
                fastHandled.incrementAndGet();
                ctx.result("fast");
            });
            routes.get("/slow", ctx -> {
                entered.countDown();
                release.await(20, TimeUnit.SECONDS);
                ctx.result("done");
            });
        }));
        try (Socket keptAlive = new Socket("127.0.0.1", server.port());
             Socket inFlight = new Socket("127.0.0.1", server.port())) {
            assertEquals(200, exchange(keptAlive, "/fast").orElseThrow().status(), "the kept-alive connection works");
            // Threads of their own: the common pool may have a single thread, which the slow request would hold.
            CompletableFuture<Optional<Answer>> slow = CompletableFuture.supplyAsync(() -> exchange(inFlight, "/slow"),
                    THREADS);
            assertTrue(entered.await(10, TimeUnit.SECONDS), "the slow request is being handled");

            CompletableFuture<Void> stopped = CompletableFuture.runAsync(server::close, THREADS);
            Optional<Answer> refused = awaitRefusal(keptAlive, stopped, fastHandled);
            refused.ifPresent(answer -> {
                assertEquals(503, answer.status(), answer.toString());
                assertEquals("application/problem+json", answer.headers().get("content-type"), answer.toString());
                assertEquals("close", answer.headers().get("connection"), answer.toString());
                assertEquals("1", answer.headers().get("retry-after"), answer.toString());
                assertTrue(answer.body().contains("\"type\":\"/problems/stopping\""), answer.body());
            });

            release.countDown();
            Answer answered = slow.get(15, TimeUnit.SECONDS).orElseThrow(
                    () -> new AssertionError("the request in flight lost its answer: its connection was closed"));
            assertEquals(200, answered.status(), answered.toString());
            assertEquals("done", answered.body());
            stopped.get(15, TimeUnit.SECONDS);
        } finally {
            release.countDown();
            server.close();
        }
    }

    /**
     * The stop begins on another thread: asks on the kept-alive connection until it is refused (the answer) or
     * closed (empty), and checks that the handler did not run for that last request.
     */
    private static Optional<Answer> awaitRefusal(Socket keptAlive, CompletableFuture<Void> stopped,
                                                 AtomicInteger handled) throws Exception {
        for (int i = 0; i < 100; i++) {
            int handledBefore = handled.get();
            Optional<Answer> answer = exchange(keptAlive, "/fast");
            if (answer.isEmpty() || answer.get().status() != 200) {
                assertEquals(handledBefore, handled.get(), "the refused request was not handled");
                return answer;
            }
            if (stopped.isDone()) {
                throw new AssertionError("answered 200 after the server stopped");
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the server never began to stop");
    }

    /** The answer, or empty when the server closed the connection without one. */
    private static Optional<Answer> exchange(Socket socket, String path) {
        try {
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n").getBytes(US_ASCII));
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), US_ASCII));
            String statusLine = in.readLine();
            if (statusLine == null) {
                return Optional.empty();
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
            return Optional.of(new Answer(status, headers, body.toString()));
        } catch (SocketException e) {
            return Optional.empty(); // reset or broken pipe: closed, as above
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
