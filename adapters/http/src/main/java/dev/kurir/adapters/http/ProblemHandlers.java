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
        routes.exception(Problem.class, (e, ctx) -> write(ctx, e.type(), e.getMessage()));
        routes.exception(IllegalArgumentException.class,
                (e, ctx) -> write(ctx, ProblemType.INVALID_REQUEST, e.getMessage()));
        routes.exception(UnknownSkuException.class, (e, ctx) -> write(ctx, ProblemType.UNKNOWN_SKU, e.getMessage()));
        routes.exception(IdempotencyKeyReusedException.class,
                (e, ctx) -> write(ctx, ProblemType.IDEMPOTENCY_KEY_REUSED, e.getMessage()));
        routes.exception(ItemAlreadyExistsException.class,
                (e, ctx) -> write(ctx, ProblemType.ITEM_EXISTS, e.getMessage()));
        routes.exception(ItemNotFoundException.class, (e, ctx) -> write(ctx, ProblemType.NOT_FOUND, e.getMessage()));
        routes.exception(OrderNotFoundException.class, (e, ctx) -> write(ctx, ProblemType.NOT_FOUND, e.getMessage()));
        routes.exception(DomainRuleViolation.class, (e, ctx) -> write(ctx, ProblemType.CONFLICT, e.getMessage()));
        routes.exception(CatalogUnavailableException.class, (e, ctx) -> {
            // The reason names the item service's internal address: the log gets it, the client does not.
            log.warn("item catalog unavailable: {}", e.getMessage());
            write(ctx, ProblemType.DEPENDENCY_UNAVAILABLE,
                    "the item catalog cannot answer; nothing was written, retry later");
        });
        routes.exception(UnitOfWork.CommitOutcomeUnknownException.class, (e, ctx) -> {
            log.warn("database connection lost while committing {} {}: {}", ctx.method(), ctx.path(), e.getMessage());
            ctx.header("Retry-After", "5");
            write(ctx, ProblemType.OUTCOME_UNKNOWN,
                    "the database connection broke while committing: the request may or may not have taken effect; "
                            + "retry it with the same Idempotency-Key, or check, before repeating it");
        });
        routes.exception(ConcurrencyLimit.OverloadedException.class, (e, ctx) -> {
            ctx.header("Retry-After", "1");
            write(ctx, ProblemType.OVERLOADED, e.getMessage());
        });
        routes.exception(HttpResponseException.class,
                (e, ctx) -> write(ctx, e.getStatus(), typeOf(e.getStatus()), e.getMessage()));
        routes.exception(Exception.class, ProblemHandlers::unexpected);
    }

    private static void unexpected(Exception e, Context ctx) {
        if (isDatabaseUnreachable(e)) {
            log.warn("database unavailable for {} {}: {}", ctx.method(), ctx.path(), e.getMessage());
            ctx.header("Retry-After", "5");
            write(ctx, ProblemType.DEPENDENCY_UNAVAILABLE,
                    "the database cannot be reached; nothing was written, retry later");
            return;
        }
        log.error("unexpected error on {} {}", ctx.method(), ctx.path(), e);
        write(ctx, ProblemType.INTERNAL_ERROR, "an unexpected error occurred; it has been logged");
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

    static void write(Context ctx, ProblemType type, String detail) {
        write(ctx, type.status(), type, detail);
    }

    /**
     * {@code status} differs from the type's own only for Javalin's errors of statuses without a type of their own
     * (no route answers 405: Javalin's {@code prefer405over404} is off, so a wrong method is a 404).
     */
    static void write(Context ctx, int status, ProblemType type, String detail) {
        ctx.status(status).contentType(PROBLEM_JSON).result(body(status, type, detail, ctx.path()).toString());
    }

    static ObjectNode body(int status, ProblemType type, String detail, String instance) {
        return JSON.createObjectNode()
                .put("type", type.uri())
                .put("title", type.title())
                .put("status", status)
                .put("detail", detail)
                .put("instance", instance);
    }

    static ProblemType typeOf(int status) {
        return switch (status) {
            case 404 -> ProblemType.NOT_FOUND;
            case 413 -> ProblemType.CONTENT_TOO_LARGE;
            case 415 -> ProblemType.UNSUPPORTED_MEDIA_TYPE;
            default -> status >= 500 ? ProblemType.INTERNAL_ERROR : ProblemType.INVALID_REQUEST;
        };
    }
}
