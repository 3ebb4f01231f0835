package dev.kurir.bootstrap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kurir.testing.Prerequisite;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Prometheus server (the {@code prometheus} binary, e.g. Debian's package) run as a child process with a
 * generated configuration: job {@code api} scrapes kurir's management port, job {@code prometheus} scrapes itself,
 * both every second. Queried through its HTTP API.
 */
final class PrometheusServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final Path directory;
    private final HttpClientSupport http;

    private PrometheusServer(Process process, Path directory, int port) {
        this.process = process;
        this.directory = directory;
        this.http = HttpClientSupport.unchecked(port);
    }

    /** The binary on the PATH, if there is one. */
    static Optional<Path> binary() {
        return Prerequisite.onPath("prometheus");
    }

    static PrometheusServer start(int kurirManagementPort) {
        try {
            Path directory = Files.createTempDirectory("kurir-prometheus");
            int port = freePort();
            Files.writeString(directory.resolve("prometheus.yml"), """
                    global:
                      scrape_interval: 1s
                      scrape_timeout: 1s
                    scrape_configs:
                      - job_name: api
                        metrics_path: /metrics
                        static_configs:
                          - targets: ["127.0.0.1:%d"]
                      - job_name: prometheus
                        static_configs:
                          - targets: ["127.0.0.1:%d"]
                    """.formatted(kurirManagementPort, port));
            Process process = new ProcessBuilder(binary().orElseThrow().toString(),
                    "--config.file=" + directory.resolve("prometheus.yml"),
                    "--storage.tsdb.path=" + directory.resolve("data"),
                    "--web.listen-address=127.0.0.1:" + port)
                    .redirectErrorStream(true)
                    .redirectOutput(directory.resolve("prometheus.log").toFile())
                    .start();
            PrometheusServer server = new PrometheusServer(process, directory, port);
            server.awaitReady(Duration.ofSeconds(30));
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void awaitReady(Duration timeout) {
        Eventually.await("Prometheus ready", timeout, () -> {
            if (!process.isAlive()) {
                throw new AssertionError("prometheus exited with " + process.exitValue() + ": " + log());
            }
            try {
                return http.get("/-/ready").statusCode() == 200;
            } catch (UncheckedIOException notListeningYet) {
                return false;
            }
        }, this::log);
    }

    /** {@code /api/v1/query}: the {@code data.result} array of an instant query. */
    JsonNode query(String promql) {
        return api("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
    }

    /** {@code /api/v1/series}: the label sets of the series that match. */
    JsonNode series(String match) {
        return api("/api/v1/series?match[]=" + URLEncoder.encode(match, StandardCharsets.UTF_8));
    }

    /** The value of a query that yields one number, if it yields one. */
    Optional<Double> scalar(String promql) {
        JsonNode result = query(promql);
        return result.isEmpty() ? Optional.empty() : Optional.of(result.get(0).get("value").get(1).asDouble());
    }

    private JsonNode api(String pathAndQuery) {
        HttpResponse<String> response = http.get(pathAndQuery);
        try {
            JsonNode body = JSON.readTree(response.body());
            if (response.statusCode() != 200 || !"success".equals(body.path("status").asText())) {
                throw new AssertionError(pathAndQuery + " -> " + response.statusCode() + " " + response.body());
            }
            return body.get("data").has("result") ? body.get("data").get("result") : body.get("data");
        } catch (IOException e) {
            throw new AssertionError(pathAndQuery + " -> not JSON: " + response.body(), e);
        }
    }

    String log() {
        try {
            return Files.readString(directory.resolve("prometheus.log"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
