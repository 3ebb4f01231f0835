package dev.kurir.adapters.http;

import dev.kurir.application.console.port.out.SagaRecords;
import dev.kurir.application.messaging.MessageAdministration;
import dev.kurir.application.messaging.MessageAdministration.Kind;
import dev.kurir.application.messaging.port.out.DeadLetterQueue;
import dev.kurir.application.messaging.port.out.MessageAdminStore;
import dev.kurir.application.orders.port.in.CancelOverdueOrdersUseCase;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The console's pages and the actions behind their forms. A page reads what it shows in one request per table; an
 * action changes through {@link OperatorActions} (audited as {@code console@<address>}) and leaves a one-time
 * notice or error for the page it redirects to.
 */
final class ConsolePages {
    private static final int OVERVIEW_REFRESH_SECONDS = 10;
    private static final int FAILED_ROWS_SHOWN = 50;
    private static final int DEAD_LETTERS_SHOWN = 50;

    @FunctionalInterface
    interface Page {
        String render(Context ctx, ConsoleSessions.Session session) throws Exception;
    }

    @FunctionalInterface
    interface Action {
        /** @return where to go next */
        String perform(Context ctx, ConsoleSessions.Session session);
    }

    private record Flash(boolean error, String text) {
    }

    private final MessageAdministration admin;
    private final OperatorActions actions;
    private final SagaRecords records;
    private final String placement;
    private final ConsoleSaga saga;
    private final Clock clock;
    private final Map<String, Flash> flashes = new ConcurrentHashMap<>();

    ConsolePages(MessageAdministration admin, OperatorActions actions, SagaRecords records, String placement,
                 Optional<String> traceUrl, Clock clock) {
        this.admin = admin;
        this.actions = actions;
        this.records = records;
        this.placement = placement;
        this.saga = new ConsoleSaga(records, traceUrl);
        this.clock = clock;
    }

    String overview(Context ctx, ConsoleSessions.Session session) {
        StringBuilder body = new StringBuilder("<h2>Outbox and inbox</h2><div class=\"scroll\"><table>"
                + "<caption>Rows per module, table and status</caption><thead><tr><th scope=\"col\">Module</th>"
                + "<th scope=\"col\">Table</th><th scope=\"col\">PENDING</th><th scope=\"col\">Oldest PENDING</th>"
                + "<th scope=\"col\">Sent / processed</th><th scope=\"col\">FAILED</th>"
                + "<th scope=\"col\">DISCARDED</th></tr></thead><tbody>");
        Instant now = clock.instant();
        admin.counts().forEach((module, kinds) -> kinds.forEach((kind, counts) -> {
            String table = OperatorActions.table(kind);
            String id = module + "-" + table;
            Optional<Instant> oldest = admin.oldestPending(module, kind);
            body.append("<tr><td>").append(Html.text(module)).append("</td><td>").append(table)
                    .append("</td><td id=\"").append(id).append("-pending\">")
                    .append(counts.getOrDefault("PENDING", 0L))
                    .append("</td><td>").append(oldest.map(at -> age(Duration.between(at, now))).orElse("none"))
                    .append("</td><td id=\"").append(id).append("-settled\">")
                    .append(counts.getOrDefault(kind == Kind.OUTBOX ? "SENT" : "PROCESSED", 0L))
                    .append("</td><td id=\"").append(id).append("-failed\"")
                    .append(counts.getOrDefault("FAILED", 0L) > 0 ? " class=\"failed\"" : "").append(">")
                    .append(counts.getOrDefault("FAILED", 0L)).append("</td><td>")
                    .append(counts.getOrDefault("DISCARDED", 0L)).append("</td></tr>");
        }));
        body.append("</tbody></table></div>");
        java.util.OptionalLong depth = admin.deadLetterDepth();
        body.append("<h2>Dead letters</h2><p>Queued in kurir.dead-letter: <strong id=\"dead-letter-depth\">")
                .append(depth.isPresent() ? Long.toString(depth.getAsLong()) : "unknown (the broker cannot be reached)")
                .append("</strong> · <a href=\"/console/dead-letters\">browse</a></p>");
        Map<String, Long> orders = records.ordersByStatus();
        body.append("<h2>Orders</h2>");
        if (!admin.modules().contains("orders")) {
            body.append("<p>The orders module runs in another service: see its console.</p>");
        } else {
            body.append("<table><caption>Orders per status</caption><thead><tr><th scope=\"col\">Status</th>"
                    + "<th scope=\"col\">Orders</th></tr></thead><tbody>");
            for (String status : List.of("PENDING", "CONFIRMED", "REJECTED", "CANCELLED")) {
                body.append("<tr><td>").append(status).append("</td><td id=\"orders-")
                        .append(status.toLowerCase(Locale.ROOT)).append("\">").append(orders.getOrDefault(status, 0L))
                        .append("</td></tr>");
            }
            body.append("</tbody></table><p>Cancelled by the saga deadline in the last hour: <strong id=\"deadline-"
                    + "expiries\">").append(records.cancelledSince(CancelOverdueOrdersUseCase.DEADLINE_EXCEEDED,
                    now.minus(Duration.ofHours(1)))).append("</strong></p>");
        }
        body.append("<p>Refreshes every ").append(OVERVIEW_REFRESH_SECONDS).append(" s; read at ")
                .append(Html.time(now)).append(".</p>");
        return layout("Overview", session, OVERVIEW_REFRESH_SECONDS, body.toString());
    }

    String saga(Context ctx, ConsoleSessions.Session session) {
        String query = Optional.ofNullable(ctx.queryParam("q")).map(String::strip).orElse("");
        return layout("Order saga", session, 0, saga.render(query));
    }

    String failures(Context ctx, ConsoleSessions.Session session) {
        StringBuilder body = new StringBuilder();
        Optional<String> rowModule = Optional.ofNullable(ctx.queryParam("module"));
        Optional<String> rowTable = Optional.ofNullable(ctx.queryParam("table"));
        Optional<String> rowId = Optional.ofNullable(ctx.queryParam("row"));
        if (rowModule.isPresent() && rowTable.isPresent() && rowId.isPresent()) {
            body.append(rowDetail(rowModule.get(), kind(rowTable.get()), id(rowId.get()), session));
        }
        for (String module : admin.modules()) {
            for (Kind kind : Kind.values()) {
                body.append(failedTable(module, kind, session));
            }
        }
        return layout("Failures", session, 0, body.toString());
    }

    private String failedTable(String module, Kind kind, ConsoleSessions.Session session) {
        String table = OperatorActions.table(kind);
        StringBuilder body = new StringBuilder("<h2>").append(Html.text(module)).append(" ").append(table)
                .append(": FAILED rows</h2>");
        List<MessageAdministration.FailureGroup> groups = admin.failures(module, kind);
        if (groups.isEmpty()) {
            return body.append("<p>None.</p>").toString();
        }
        body.append("<table><caption>Grouped by reason</caption><thead><tr><th scope=\"col\">Reason</th>"
                + "<th scope=\"col\">Rows</th><th scope=\"col\">Newest error</th><th scope=\"col\">Action</th></tr>"
                + "</thead><tbody>");
        for (MessageAdministration.FailureGroup group : groups) {
            body.append("<tr><td>").append(Html.text(group.reason())).append("</td><td>").append(group.rows())
                    .append("</td><td>").append(Html.text(group.exampleError())).append("</td><td>")
                    .append(form("/console/failures/retry-group", session, Map.of("module", module, "table", table,
                            "reason", group.reason()), "Retry this group", false))
                    .append("</td></tr>");
        }
        body.append("</tbody></table>").append(form("/console/failures/retry-all", session,
                Map.of("module", module, "table", table), "Retry every FAILED " + table + " row of " + module, false));
        body.append("<div class=\"scroll\"><table><caption>The newest FAILED rows</caption><thead><tr>"
                + "<th scope=\"col\">Row</th><th scope=\"col\">Event</th><th scope=\"col\">Retries</th>"
                + "<th scope=\"col\">Error</th><th scope=\"col\">Updated</th><th scope=\"col\">Actions</th></tr>"
                + "</thead><tbody>");
        for (MessageAdminStore.Row row : admin.list(module, kind, Optional.of("FAILED"), FAILED_ROWS_SHOWN)) {
            String fieldId = module + "-" + table + "-" + row.id();
            body.append("<tr><td><a href=\"/console/failures?module=").append(Html.text(Html.query(module)))
                    .append("&amp;table=").append(table).append("&amp;row=").append(row.id()).append("\">")
                    .append(row.id()).append("</a></td><td>").append(Html.text(row.eventType())).append("</td><td>")
                    .append(row.retryCount()).append("</td><td>").append(Html.text(row.error())).append("</td><td>")
                    .append(Html.time(row.updatedAt())).append("</td><td>")
                    .append(form("/console/failures/retry", session, Map.of("module", module, "table", table,
                            "id", Long.toString(row.id())), "Retry row " + row.id(), false))
                    .append("<form class=\"inline\" method=\"post\" action=\"/console/failures/discard\">")
                    .append(hidden(session, Map.of("module", module, "table", table, "id", Long.toString(row.id()))))
                    .append("<label for=\"why-").append(Html.text(fieldId)).append("\">Why discard</label>")
                    .append("<input id=\"why-").append(Html.text(fieldId))
                    .append("\" name=\"why\" required maxlength=\"500\">")
                    .append("<button class=\"danger\" type=\"submit\">Discard row ").append(row.id())
                    .append("</button></form></td></tr>");
        }
        return body.append("</tbody></table></div>").toString();
    }

    private String rowDetail(String module, Kind kind, long id, ConsoleSessions.Session session) {
        Optional<MessageAdminStore.RowDetail> found = admin.row(module, kind, id);
        if (found.isEmpty()) {
            return "<p class=\"error\" role=\"alert\">No " + OperatorActions.table(kind) + " row " + id + " in "
                    + Html.text(module) + ".</p>";
        }
        MessageAdminStore.RowDetail detail = found.get();
        MessageAdminStore.Row row = detail.row();
        StringBuilder body = new StringBuilder("<h2>").append(Html.text(module)).append(" ")
                .append(OperatorActions.table(kind)).append(" row ").append(id).append("</h2><table><tbody>");
        row(body, "Status", Html.text(row.status()));
        row(body, "Event", Html.text(row.eventType()));
        row(body, "Message id", Html.text(row.messageId()));
        row(body, "Retries", Integer.toString(row.retryCount()));
        row(body, "Error", Html.text(row.error()));
        row(body, "Exchange / routing key", Html.text(detail.exchange() + " / " + detail.routingKey()));
        detail.senderId().ifPresent(sender -> row(body, "Sender", Html.text(sender)));
        row(body, "traceparent", Html.text(detail.traceparent().orElse("none")));
        row(body, "Created", Html.time(row.createdAt()));
        row(body, "Updated", Html.time(row.updatedAt()));
        detail.discard().ifPresent(discard -> row(body, "Discarded", Html.text(discard.by() + ": " + discard.reason())
                + " at " + Html.time(discard.at())));
        return body.append("</tbody></table><h3>Payload</h3><pre>").append(Html.text(detail.payloadJson()))
                .append("</pre>").toString();
    }

    String deadLetters(Context ctx, ConsoleSessions.Session session) {
        DeadLetterQueue.Browse browse;
        try {
            browse = admin.browseDeadLetters(DEAD_LETTERS_SHOWN);
        } catch (dev.kurir.application.messaging.port.out.BrokerUnavailableException e) {
            return layout("Dead letters", session, 0, "<p class=\"error\" role=\"alert\">" + Html.text(e.getMessage())
                    + "</p>");
        }
        StringBuilder body = new StringBuilder("<p>Queued in kurir.dead-letter: <strong id=\"dead-letter-count\">")
                .append(browse.depth()).append("</strong>; the oldest ").append(DEAD_LETTERS_SHOWN)
                .append(" are shown, and browsing leaves every message queued in its order.</p>");
        int n = 0;
        for (DeadLetterQueue.DeadLetter letter : browse.messages()) {
            n++;
            body.append("<h2>Dead letter ").append(n).append(": ").append(Html.text(letter.key())).append("</h2>")
                    .append("<table><tbody>");
            row(body, "Reason", Html.text(letter.reason().orElse("unknown")));
            row(body, "Message id", Html.text(letter.messageId().orElse("none")));
            row(body, "Original exchange / routing key", Html.text(letter.originalExchange().orElse("unknown")
                    + " / " + letter.originalRoutingKey().orElse("unknown")));
            row(body, "Published", letter.timestamp().map(Html::time).orElse("unknown"));
            row(body, "Properties", Html.text(letter.properties().toString()));
            row(body, "Headers", Html.text(letter.headers().toString()));
            body.append("</tbody></table><pre>").append(Html.text(letter.body())).append("</pre>")
                    .append(form("/console/dead-letters/replay", session, Map.of("key", letter.key()),
                            "Replay " + letter.key(), false))
                    .append("<form class=\"inline\" method=\"post\" action=\"/console/dead-letters/discard\">")
                    .append(hidden(session, Map.of("key", letter.key())))
                    .append("<label for=\"why-").append(Html.text(letter.key())).append("\">Why discard</label>")
                    .append("<input id=\"why-").append(Html.text(letter.key()))
                    .append("\" name=\"why\" required maxlength=\"500\">")
                    .append("<button class=\"danger\" type=\"submit\">Discard ").append(Html.text(letter.key()))
                    .append("</button></form>");
        }
        return layout("Dead letters", session, 0, body.toString());
    }

    String retry(Context ctx, ConsoleSessions.Session session) {
        return act(session, "/console/failures", () -> {
            long id = id(ctx.formParam("id"));
            actions.retry(session.actor(), field(ctx, "module"), kind(field(ctx, "table")), id);
            return "Row " + id + " is PENDING again.";
        });
    }

    String retryGroup(Context ctx, ConsoleSessions.Session session) {
        return act(session, "/console/failures", () -> "Retried " + actions.retryFailed(session.actor(),
                field(ctx, "module"), kind(field(ctx, "table")), field(ctx, "reason")) + " row(s).");
    }

    String retryAll(Context ctx, ConsoleSessions.Session session) {
        return act(session, "/console/failures", () -> "Retried " + actions.retryAllFailed(session.actor(),
                field(ctx, "module"), kind(field(ctx, "table"))) + " row(s).");
    }

    String discard(Context ctx, ConsoleSessions.Session session) {
        return act(session, "/console/failures", () -> {
            long id = id(ctx.formParam("id"));
            actions.discard(session.actor(), field(ctx, "module"), kind(field(ctx, "table")), id, field(ctx, "why"));
            return "Row " + id + " is DISCARDED.";
        });
    }

    String replay(Context ctx, ConsoleSessions.Session session) {
        return act(session, "/console/dead-letters", () -> {
            actions.replayDeadLetter(session.actor(), field(ctx, "key"));
            return "Replayed " + ctx.formParam("key") + " to its original exchange.";
        });
    }

    String discardDeadLetter(Context ctx, ConsoleSessions.Session session) {
        return act(session, "/console/dead-letters", () -> {
            actions.discardDeadLetter(session.actor(), field(ctx, "key"), field(ctx, "why"));
            return "Discarded " + ctx.formParam("key") + ".";
        });
    }

    /** Runs the action; its outcome or the reason it failed is shown once on the page it returns to. */
    private String act(ConsoleSessions.Session session, String next, java.util.function.Supplier<String> action) {
        try {
            flashes.put(session.id(), new Flash(false, action.get()));
        } catch (Problem | IllegalArgumentException e) {
            flashes.put(session.id(), new Flash(true, e.getMessage()));
        }
        return next;
    }

    private String layout(String title, ConsoleSessions.Session session, int refreshSeconds, String body) {
        Optional<Flash> flash = Optional.ofNullable(flashes.remove(session.id()));
        return ConsoleLayout.page(title, session.csrfToken(), placement, refreshSeconds,
                flash.filter(f -> !f.error()).map(Flash::text), flash.filter(Flash::error).map(Flash::text), body);
    }

    private static String form(String action, ConsoleSessions.Session session, Map<String, String> fields,
                               String label, boolean danger) {
        return "<form class=\"inline\" method=\"post\" action=\"" + action + "\">" + hidden(session, fields)
                + "<button" + (danger ? " class=\"danger\"" : "") + " type=\"submit\">" + Html.text(label)
                + "</button></form>";
    }

    private static String hidden(ConsoleSessions.Session session, Map<String, String> fields) {
        StringBuilder inputs = new StringBuilder("<input type=\"hidden\" name=\"" + ConsoleRoutes.CSRF_FIELD
                + "\" value=\"" + Html.text(session.csrfToken()) + "\">");
        new java.util.TreeMap<>(fields).forEach((name, value) -> inputs.append("<input type=\"hidden\" name=\"")
                .append(Html.text(name)).append("\" value=\"").append(Html.text(value)).append("\">"));
        return inputs.toString();
    }

    private static void row(StringBuilder body, String name, String valueHtml) {
        body.append("<tr><th scope=\"row\">").append(Html.text(name)).append("</th><td>").append(valueHtml)
                .append("</td></tr>");
    }

    private static String field(Context ctx, String name) {
        String value = ctx.formParam(name);
        if (value == null || value.isBlank()) {
            throw Problem.badRequest(name + " is required");
        }
        return value;
    }

    private static Kind kind(String table) {
        return switch (table) {
            case "outbox" -> Kind.OUTBOX;
            case "inbox" -> Kind.INBOX;
            default -> throw Problem.badRequest("table must be outbox or inbox, was " + table);
        };
    }

    private static long id(String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw Problem.badRequest("id must be a row id (an integer), was " + value);
        }
    }

    static String age(Duration age) {
        long seconds = Math.max(0, age.toSeconds());
        return seconds < 120 ? seconds + " s" : seconds < 7200 ? seconds / 60 + " min" : seconds / 3600 + " h";
    }
}
