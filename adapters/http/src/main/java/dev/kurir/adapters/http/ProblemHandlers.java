package dev.kurir.adapters.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kurir.application.items.port.in.ItemAlreadyExistsException;
import dev.kurir.application.items.port.in.ItemNotFoundException;
import dev.kurir.application.orders.port.in.IdempotencyKeyReusedException;
import dev.kurir.application.orders.port.in.OrderNotFoundException;
import dev.kurir.application.orders.port.in.UnknownSkuException;
import dev.kurir.application.orders.port.out.CatalogUnavailableException;
import dev.kurir.application.shared.port.out.UnitOfWork;
import dev.kurir.domain.shared.DomainRuleViolation;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Turns every failure into {@code application/problem+json}, in one place. */
final class ProblemHandlers {
    static final String PROBLEM_JSON = "application/problem+json";
    private static final Logger log = LoggerFactory.getLogger(ProblemHandlers.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private ProblemHandlers() {
    }

    static void register(RoutesConfig routes) {
        routes.exception(Problem.class, (e, ctx) -> write(ctx, e.status(), e.type(), e.title(), e.getMessage()));
        routes.exception(IllegalArgumentException.class,
                (e, ctx) -> write(ctx, 400, "invalid-request", "The request is invalid", e.getMessage()));
        routes.exception(UnknownSkuException.class,
                (e, ctx) -> write(ctx, 422, "unknown-sku", "The order names unknown items", e.getMessage()));
        routes.exception(IdempotencyKeyReusedException.class,
                (e, ctx) -> write(ctx, 422, "idempotency-key-reused", "The Idempotency-Key was used for another request",
                        e.getMessage()));
        routes.exception(ItemAlreadyExistsException.class,
                (e, ctx) -> write(ctx, 409, "item-exists", "The item already exists", e.getMessage()));
        routes.exception(ItemNotFoundException.class,
                (e, ctx) -> write(ctx, 404, "not-found", "Not found", e.getMessage()));
        routes.exception(OrderNotFoundException.class,
                (e, ctx) -> write(ctx, 404, "not-found", "Not found", e.getMessage()));
        routes.exception(DomainRuleViolation.class,
                (e, ctx) -> write(ctx, 409, "conflict", "The request conflicts with the current state", e.getMessage()));
        routes.exception(CatalogUnavailableException.class, (e, ctx) -> {
            // The reason names the item service's internal address: the log gets it, the client does not.
            log.warn("item catalog unavailable: {}", e.getMessage());
            write(ctx, 503, "dependency-unavailable", "A dependency is unavailable",
                    "the item catalog cannot answer; nothing was written, retry later");
        });
        routes.exception(UnitOfWork.CommitOutcomeUnknownException.class, (e, ctx) -> {
            log.warn("database connection lost while committing {} {}: {}", ctx.method(), ctx.path(), e.getMessage());
            ctx.header("Retry-After", "5");
            write(ctx, 503, "outcome-unknown", "The outcome is unknown",
                    "the database connection broke while committing: the request may or may not have taken effect; "
                            + "retry it with the same Idempotency-Key, or check, before repeating it");
        });
        routes.exception(ConcurrencyLimit.OverloadedException.class, (e, ctx) -> {
            ctx.header("Retry-After", "1");
            write(ctx, 503, "overloaded", "The service is overloaded", e.getMessage());
        });
        routes.exception(HttpResponseException.class, (e, ctx) -> write(ctx, e.getStatus(), slug(e.getStatus()),
                reason(e.getStatus()), e.getMessage()));
        routes.exception(Exception.class, ProblemHandlers::unexpected);
    }

    private static void unexpected(Exception e, Context ctx) {
        if (isDatabaseUnreachable(e)) {
            log.warn("database unavailable for {} {}: {}", ctx.method(), ctx.path(), e.getMessage());
            ctx.header("Retry-After", "5");
            write(ctx, 503, "dependency-unavailable", "A dependency is unavailable",
                    "the database cannot be reached; nothing was written, retry later");
            return;
        }
        log.error("unexpected error on {} {}", ctx.method(), ctx.path(), e);
        write(ctx, 500, "internal-error", "Internal server error", "an unexpected error occurred; it has been logged");
    }

    /** Connection failures (SQLSTATE class 08, pool time-outs) mean the database is away, not that the request is bad. */
    static boolean isDatabaseUnreachable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientConnectionException) {
                return true;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("57P"))) {
                return true;
            }
        }
        return false;
    }

    static void write(Context ctx, int status, String type, String title, String detail) {
        ObjectNode body = JSON.createObjectNode()
                .put("type", "/problems/" + type)
                .put("title", title)
                .put("status", status)
                .put("detail", detail)
                .put("instance", ctx.path());
        ctx.status(status).contentType(PROBLEM_JSON).result(body.toString());
    }

    private static String slug(int status) {
        return switch (status) {
            case 404 -> "not-found";
            case 405 -> "method-not-allowed";
            case 413 -> "content-too-large";
            case 415 -> "unsupported-media-type";
            default -> status >= 500 ? "internal-error" : "invalid-request";
        };
    }

    private static String reason(int status) {
        return switch (status) {
            case 404 -> "Not found";
            case 405 -> "Method not allowed";
            case 413 -> "Content too large";
            case 415 -> "Unsupported media type";
            default -> status >= 500 ? "Internal server error" : "The request is invalid";
        };
    }
}
