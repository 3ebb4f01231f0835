package dev.kurir.application.monitoring;

/** Told of every answered HTTP API request, e.g. to count and time them. Must be quick and must not throw. */
public interface HttpRequestListener {
    /** The route of a request no route matched: unknown paths must not grow the set of routes reported. */
    String UNMATCHED_ROUTE = "unmatched";

    /**
     * One answered request.
     *
     * @param route the matched route template, e.g. {@code /api/orders/{orderId}}, never the raw path; or
     *              {@link #UNMATCHED_ROUTE}
     */
    void requestCompleted(String method, String route, int status, double seconds);
}
