package dev.kurir.bootstrap;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * A plain HTTP client for black-box tests: raw bodies in, raw responses out. Every exchange with a kurir port is
 * checked against the OpenAPI document ({@link HttpContract}): a request or an answer the document does not describe
 * fails the test that made it, naming the route, the status and what did not match.
 */
final class HttpClientSupport {
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String base;
    private final Optional<HttpContract.Port> port;

    private HttpClientSupport(int port, Optional<HttpContract.Port> kind) {
        this.base = "http://127.0.0.1:" + port;
        this.port = kind;
    }

    /** A client of kurir's API port. */
    HttpClientSupport(int apiPort) {
        this(apiPort, Optional.of(HttpContract.Port.API));
    }

    /** A client of kurir's management port. */
    static HttpClientSupport management(int port) {
        return new HttpClientSupport(port, Optional.of(HttpContract.Port.MANAGEMENT));
    }

    /** A client of a server that is not kurir (Prometheus): nothing is checked against kurir's document. */
    static HttpClientSupport unchecked(int port) {
        return new HttpClientSupport(port, Optional.empty());
    }

    HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
    }

    HttpResponse<String> postJson(String path, String json) {
        return post(path, "application/json", HttpRequest.BodyPublishers.ofString(json));
    }

    HttpResponse<String> post(String path, String contentType, HttpRequest.BodyPublisher body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).POST(body);
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return send(request);
    }

    HttpResponse<String> send(HttpRequest.Builder request) {
        HttpRequest built = request.timeout(Duration.ofSeconds(15)).build();
        if (!built.uri().toString().startsWith(base + "/")) {
            // The contract is checked per port: a request to another port needs that port's client.
            throw new IllegalArgumentException(built.uri() + " is not on this client's server " + base);
        }
        Optional<RecordingBodyPublisher> body = built.bodyPublisher().map(RecordingBodyPublisher::new);
        HttpRequest sent = body.<HttpRequest>map(recording -> HttpRequest.newBuilder(built, (name, value) -> true)
                .method(built.method(), recording).build()).orElse(built);
        HttpResponse<String> response;
        try {
            response = CLIENT.send(sent, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        port.ifPresent(kind -> HttpContract.kurir().assertConforms(new HttpExchange(kind, sent,
                body.map(RecordingBodyPublisher::recorded).orElse(new byte[0]), response)));
        return response;
    }
}
