package dev.kurir.adapters.http;

import io.javalin.Javalin;
import java.util.List;

/**
 * A Javalin server for a set of route groups: the API on one port, the management endpoints on another.
 * Every error, including unknown routes and oversized bodies, is answered as problem+json.
 */
public final class HttpServer implements AutoCloseable {
    private final Javalin javalin;

    private HttpServer(Javalin javalin) {
        this.javalin = javalin;
    }

    /** Starts listening on {@code host:port} (port 0 picks a free one). */
    public static HttpServer start(String host, int port, List<RouteGroup> groups) {
        Javalin javalin = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.http.maxRequestSize = JsonBody.MAX_BYTES;
            config.jetty.host = host;
            config.jetty.port = port;
            groups.forEach(group -> group.register(config.routes));
            ProblemHandlers.register(config.routes);
        });
        return new HttpServer(javalin.start());
    }

    public int port() {
        return javalin.port();
    }

    /** Stops accepting connections and lets requests in flight finish. */
    @Override
    public void close() {
        javalin.stop();
    }
}
