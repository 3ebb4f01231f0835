package dev.kurir.adapters.http;

import dev.kurir.application.monitoring.HttpRequestListener;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.router.Endpoint;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A Javalin server for a set of route groups: the API on one port, the management endpoints on another.
 * Every error, including unknown routes and oversized bodies, is answered as problem+json.
 */
public final class HttpServer implements AutoCloseable {
    /**
     * How long {@link #close()} lets requests in flight finish. Jetty's default is 0: its stop closes their
     * connections at once while the requests run on, so a client loses the answer to an order that was placed. Within
     * kurir's own shutdown timeout, and the 30 s an orchestrator usually gives between SIGTERM and SIGKILL.
     */
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    private final Javalin javalin;

    private HttpServer(Javalin javalin) {
        this.javalin = javalin;
    }

    /** Starts listening on {@code host:port} (port 0 picks a free one). */
    public static HttpServer start(String host, int port, List<RouteGroup> groups) {
        return start(host, port, groups, Optional.empty(), Optional.empty());
    }

    /** Starts listening like {@link #start(String, int, List)}, and records every request in {@code metrics}. */
    public static HttpServer start(String host, int port, List<RouteGroup> groups, HttpRequestListener metrics) {
        return start(host, port, groups, Optional.of(metrics), Optional.empty());
    }

    /** Starts listening like {@link #start(String, int, List, HttpRequestListener)}, within {@code limit}. */
    public static HttpServer start(String host, int port, List<RouteGroup> groups, HttpRequestListener metrics,
                                   ConcurrencyLimit limit) {
        return start(host, port, groups, Optional.of(metrics), Optional.of(limit));
    }

    private static HttpServer start(String host, int port, List<RouteGroup> groups,
                                    Optional<HttpRequestListener> metrics,
                                    Optional<ConcurrencyLimit> limit) {
        Javalin javalin = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.http.maxRequestSize = JsonBody.MAX_BYTES;
            config.jetty.host = host;
            config.jetty.port = port;
            // Graceful stop: no new connections, the requests in flight answered before their connections close,
            // and a request arriving on a kept-alive one refused (StoppingHandler). Javalin puts its handlers inside.
            config.jetty.modifyServer(server -> {
                server.setStopTimeout(STOP_TIMEOUT.toMillis());
                server.setHandler(new StoppingHandler());
                server.setErrorHandler(new ProblemErrorHandler());
            });
            limit.ifPresent(config.router::handlerWrapper);
            groups.forEach(group -> group.register(config.routes));
            ProblemHandlers.register(config.routes);
            // The request logger runs after the exception handlers, so problem answers are counted with their status.
            metrics.ifPresent(m -> config.requestLogger.http((ctx, millis) ->
                    m.requestCompleted(ctx.method().name(), route(ctx), ctx.statusCode(), millis / 1000.0)));
        });
        return new HttpServer(javalin.start());
    }

    /** The matched route's template, e.g. {@code /api/orders/{orderId}}: raw paths would make a label per id. */
    private static String route(Context ctx) {
        Endpoint endpoint = ctx.endpoints().lastHttpEndpoint();
        return endpoint == null ? HttpRequestListener.UNMATCHED_ROUTE : endpoint.path;
    }

    public int port() {
        return javalin.port();
    }

    /** Stops accepting connections and lets requests in flight finish and be answered (up to {@link #STOP_TIMEOUT}). */
    @Override
    public void close() {
        javalin.stop();
    }
}
