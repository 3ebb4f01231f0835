package dev.kurir.adapters.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kurir.application.messaging.MessageAdministration;
import dev.kurir.application.messaging.MessageAdministration.Kind;
import dev.kurir.application.messaging.port.out.MessageAdminStore;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Locale;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator API on the management port: look at outbox and inbox rows, count them, and send FAILED rows round
 * again. Every call needs {@code Authorization: Bearer <KURIR_ADMIN_TOKEN>}; with no token configured the API is
 * off. Every action is logged with who asked (the caller's address) and what it did.
 */
public final class AdminRoutes implements RouteGroup {
    private static final Logger log = LoggerFactory.getLogger("dev.kurir.admin");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int DEFAULT_LIMIT = 50;

    private final MessageAdministration admin;
    private final Optional<byte[]> token;
    private final BooleanSupplier started;

    /**
     * @param token   the bearer token; empty turns the operator API off
     * @param started whether every module is registered: the management port answers while the service starts, and
     *                until then a call gets 503
     */
    public AdminRoutes(MessageAdministration admin, Optional<String> token, BooleanSupplier started) {
        this.admin = admin;
        this.token = token.map(t -> t.getBytes(StandardCharsets.UTF_8));
        this.started = started;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/admin/summary", guarded(this::summary));
        for (Kind kind : Kind.values()) {
            String table = kind.name().toLowerCase(Locale.ROOT);
            routes.get("/admin/" + table, guarded(ctx -> list(ctx, kind)));
            routes.post("/admin/" + table + "/{module}/{id}/retry", guarded(ctx -> retry(ctx, kind)));
            routes.post("/admin/" + table + "/{module}/retry-failed", guarded(ctx -> retryAllFailed(ctx, kind)));
        }
    }

    private Handler guarded(Handler handler) {
        return ctx -> {
            if (token.isEmpty()) {
                throw new Problem(ProblemType.ADMIN_DISABLED, "set KURIR_ADMIN_TOKEN to enable the operator API");
            }
            String header = Optional.ofNullable(ctx.header("Authorization")).orElse("");
            if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
                ctx.header("WWW-Authenticate", "Bearer");
                throw new Problem(ProblemType.UNAUTHORIZED, "send Authorization: Bearer <KURIR_ADMIN_TOKEN>");
            }
            byte[] offered = header.substring(7).trim().getBytes(StandardCharsets.UTF_8);
            if (!MessageDigest.isEqual(offered, token.get())) {
                log.atWarn().addKeyValue("remote_addr", ctx.ip()).addKeyValue("path", ctx.path())
                        .log("operator API call with a wrong token refused");
                throw new Problem(ProblemType.FORBIDDEN, "the bearer token is not valid");
            }
            if (!started.getAsBoolean()) {
                ctx.header("Retry-After", "1");
                throw new Problem(ProblemType.STARTING, "the modules are not all registered yet; retry in a few seconds");
            }
            handler.handle(ctx);
        };
    }

    private void summary(Context ctx) {
        ObjectNode body = JSON.createObjectNode();
        admin.counts().forEach((module, kinds) -> {
            ObjectNode moduleNode = body.putObject(module);
            kinds.forEach((kind, counts) -> {
                ObjectNode countsNode = moduleNode.putObject(kind.name().toLowerCase(Locale.ROOT));
                counts.forEach(countsNode::put);
            });
        });
        Representations.send(ctx, 200, body);
    }

    private void list(Context ctx, Kind kind) {
        String module = Optional.ofNullable(ctx.queryParam("module"))
                .orElseThrow(() -> Problem.badRequest("module is required, one of " + admin.modules()));
        Optional<String> status = Optional.ofNullable(ctx.queryParam("status")).filter(s -> !s.isEmpty())
                .map(s -> s.toUpperCase(Locale.ROOT));
        int limit = Cursors.limit(ctx.queryParam("limit"), DEFAULT_LIMIT, MessageAdministration.MAX_LIMIT);
        ObjectNode body = JSON.createObjectNode().put("module", module).put("table", kind.name().toLowerCase(Locale.ROOT));
        ArrayNode rows = body.putArray("rows");
        for (MessageAdminStore.Row row : admin.list(module, kind, status, limit)) {
            rows.addObject()
                    .put("id", row.id())
                    .put("messageId", row.messageId().toString())
                    .put("eventType", row.eventType())
                    .put("status", row.status())
                    .put("retryCount", row.retryCount())
                    .put("error", row.error())
                    .put("lockedBy", row.lockedBy())
                    .put("createdAt", row.createdAt().toString())
                    .put("updatedAt", row.updatedAt().toString())
                    .put("nextAttemptAt", row.nextAttemptAt().toString());
        }
        Representations.send(ctx, 200, body);
    }

    private void retry(Context ctx, Kind kind) {
        String module = ctx.pathParam("module");
        long id;
        try {
            id = Long.parseLong(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            throw Problem.badRequest("id must be a row id (an integer), was " + ctx.pathParam("id"));
        }
        if (!admin.retry(module, kind, id)) {
            throw Problem.notFound("no FAILED " + kind.name().toLowerCase(Locale.ROOT) + " row " + id + " in " + module);
        }
        audit(ctx, "retry", module, kind, 1).addKeyValue("row_id", id).log("operator retried a FAILED row");
        Representations.send(ctx, 200, JSON.createObjectNode().put("retried", 1));
    }

    private void retryAllFailed(Context ctx, Kind kind) {
        String module = ctx.pathParam("module");
        int retried = admin.retryAllFailed(module, kind);
        audit(ctx, "retry-failed", module, kind, retried).log("operator retried all FAILED rows");
        Representations.send(ctx, 200, JSON.createObjectNode().put("retried", retried));
    }

    private static org.slf4j.spi.LoggingEventBuilder audit(Context ctx, String action, String module, Kind kind,
                                                           int rows) {
        return log.atInfo()
                .addKeyValue("actor", "admin-token@" + ctx.ip())
                .addKeyValue("action", action)
                .addKeyValue("module", module)
                .addKeyValue("table", kind.name().toLowerCase(Locale.ROOT))
                .addKeyValue("rows", rows);
    }
}
