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
 * The operator API on the management port: look at outbox and inbox rows, count them, group FAILED rows by reason,
 * send them round again or discard them; browse the dead-letter queue, replay or discard from it. Every call needs
 * {@code Authorization: Bearer <KURIR_ADMIN_TOKEN>}; with no token configured the API is
 * off. Every action is logged with who asked (the caller's address) and what it did ({@link OperatorActions}).
 */
public final class AdminRoutes implements RouteGroup {
    private static final Logger log = LoggerFactory.getLogger("dev.kurir.admin");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int DEFAULT_LIMIT = 50;

    private final MessageAdministration admin;
    private final OperatorActions actions;
    private final Optional<byte[]> token;
    private final BooleanSupplier started;

    /**
     * @param token   the bearer token; empty turns the operator API off
     * @param started whether every module is registered: the management port answers while the service starts, and
     *                until then a call gets 503
     */
    public AdminRoutes(MessageAdministration admin, Optional<String> token, BooleanSupplier started) {
        this.admin = admin;
        this.actions = new OperatorActions(admin);
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
            routes.get("/admin/" + table + "/failures", guarded(ctx -> failures(ctx, kind)));
            routes.get("/admin/" + table + "/{module}/{id}", guarded(ctx -> row(ctx, kind)));
            routes.post("/admin/" + table + "/{module}/{id}/discard", guarded(ctx -> discard(ctx, kind)));
        }
        routes.get("/admin/dead-letters", guarded(this::deadLetters));
        routes.post("/admin/dead-letters/{key}/replay", guarded(ctx -> {
            actions.replayDeadLetter(actor(ctx), ctx.pathParam("key"));
            Representations.send(ctx, 200, JSON.createObjectNode().put("replayed", 1));
        }));
        routes.post("/admin/dead-letters/{key}/discard", guarded(ctx -> {
            actions.discardDeadLetter(actor(ctx), ctx.pathParam("key"), reason(ctx));
            Representations.send(ctx, 200, JSON.createObjectNode().put("discarded", 1));
        }));
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
            rowNode(rows.addObject(), row);
        }
        Representations.send(ctx, 200, body);
    }

    private void retry(Context ctx, Kind kind) {
        actions.retry(actor(ctx), ctx.pathParam("module"), kind, rowId(ctx));
        Representations.send(ctx, 200, JSON.createObjectNode().put("retried", 1));
    }

    /** All FAILED rows of the table, or with {@code ?reason=} only those of that normalised reason. */
    private void retryAllFailed(Context ctx, Kind kind) {
        String module = ctx.pathParam("module");
        Optional<String> reason = Optional.ofNullable(ctx.queryParam("reason")).filter(r -> !r.isEmpty());
        int retried = reason.isPresent() ? actions.retryFailed(actor(ctx), module, kind, reason.get())
                : actions.retryAllFailed(actor(ctx), module, kind);
        Representations.send(ctx, 200, JSON.createObjectNode().put("retried", retried));
    }

    private void failures(Context ctx, Kind kind) {
        String module = Optional.ofNullable(ctx.queryParam("module"))
                .orElseThrow(() -> Problem.badRequest("module is required, one of " + admin.modules()));
        ObjectNode body = JSON.createObjectNode().put("module", module).put("table", OperatorActions.table(kind));
        ArrayNode groups = body.putArray("groups");
        for (MessageAdministration.FailureGroup group : admin.failures(module, kind)) {
            groups.addObject().put("reason", group.reason()).put("rows", group.rows())
                    .put("exampleError", group.exampleError());
        }
        Representations.send(ctx, 200, body);
    }

    private void row(Context ctx, Kind kind) {
        String module = ctx.pathParam("module");
        long id = rowId(ctx);
        MessageAdminStore.RowDetail detail = admin.row(module, kind, id)
                .orElseThrow(() -> Problem.notFound("no " + OperatorActions.table(kind) + " row " + id + " in "
                        + module));
        ObjectNode body = rowNode(JSON.createObjectNode(), detail.row());
        body.put("exchange", detail.exchange()).put("routingKey", detail.routingKey());
        detail.senderId().ifPresent(sender -> body.put("senderId", sender));
        detail.traceparent().ifPresent(traceparent -> body.put("traceparent", traceparent));
        detail.discard().ifPresent(discard -> body.putObject("discarded").put("by", discard.by())
                .put("at", discard.at().toString()).put("reason", discard.reason()));
        try {
            body.set("payload", JSON.readTree(detail.payloadJson()));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            body.put("payload", detail.payloadJson()); // jsonb always parses; kept as text should it not
        }
        Representations.send(ctx, 200, body);
    }

    private void discard(Context ctx, Kind kind) {
        actions.discard(actor(ctx), ctx.pathParam("module"), kind, rowId(ctx), reason(ctx));
        Representations.send(ctx, 200, JSON.createObjectNode().put("discarded", 1));
    }

    private void deadLetters(Context ctx) {
        int limit = Cursors.limit(ctx.queryParam("limit"), DEFAULT_LIMIT, MessageAdministration.MAX_LIMIT);
        var browse = OperatorActions.deadLetter(() -> admin.browseDeadLetters(limit));
        ObjectNode body = JSON.createObjectNode().put("depth", browse.depth());
        ArrayNode messages = body.putArray("messages");
        for (var letter : browse.messages()) {
            ObjectNode node = messages.addObject().put("key", letter.key());
            letter.messageId().ifPresent(id -> node.put("messageId", id));
            letter.reason().ifPresent(reason -> node.put("reason", reason));
            letter.originalExchange().ifPresent(exchange -> node.put("originalExchange", exchange));
            letter.originalRoutingKey().ifPresent(key -> node.put("originalRoutingKey", key));
            letter.timestamp().ifPresent(at -> node.put("timestamp", at.toString()));
            ObjectNode properties = node.putObject("properties");
            letter.properties().forEach(properties::put);
            ObjectNode headers = node.putObject("headers");
            letter.headers().forEach(headers::put);
            node.put("body", letter.body());
        }
        Representations.send(ctx, 200, body);
    }

    static ObjectNode rowNode(ObjectNode node, MessageAdminStore.Row row) {
        return node.put("id", row.id())
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

    private static long rowId(Context ctx) {
        try {
            return Long.parseLong(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            throw Problem.badRequest("id must be a row id (an integer), was " + ctx.pathParam("id"));
        }
    }

    /** The discard's reason, from a JSON body {@code {"reason": "..."}}. */
    private static String reason(Context ctx) {
        return JsonBody.text(JsonBody.of(ctx).root(), "reason", "");
    }

    private static String actor(Context ctx) {
        return "admin-token@" + ctx.ip();
    }
}
