package dev.kurir.adapters.http;

import io.javalin.http.Handler;
import io.javalin.router.Endpoint;
import io.javalin.router.HandlerWrapper;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * At most {@code permits} API requests at work at once; the next ones wait up to {@code maxWait} for a turn, then get
 * 503 {@code /problems/overloaded} with {@code Retry-After}. The API shares the connection pool with the relays and
 * the inbox consumers: without a limit, a burst of requests took most connections and the saga behind the orders
 * it accepted nearly stopped (docs/performance.md, finding 10). Keep {@code permits} below the pool size.
 */
public final class ConcurrencyLimit implements HandlerWrapper {
    private final Semaphore permits;
    private final Duration maxWait;

    public ConcurrencyLimit(int permits, Duration maxWait) {
        if (permits < 1) {
            throw new IllegalArgumentException("permits must be at least 1: " + permits);
        }
        this.permits = new Semaphore(permits, true);
        this.maxWait = maxWait;
    }

    @Override
    public Handler wrap(Endpoint endpoint) {
        Handler handler = endpoint.handler;
        if (!endpoint.method.isHttpMethod()) {
            return handler; // before/after handlers run within the request's turn, or cheaply outside it
        }
        return ctx -> {
            if (!permits.tryAcquire(maxWait.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new OverloadedException(maxWait);
            }
            try {
                handler.handle(ctx);
            } finally {
                permits.release();
            }
        };
    }

    /** No turn came within the wait. */
    static final class OverloadedException extends RuntimeException {
        OverloadedException(Duration waited) {
            super("the service is at its limit of concurrent requests and none finished within " + waited.toMillis()
                    + " ms; nothing was done, retry later", null, false, false);
        }
    }
}
