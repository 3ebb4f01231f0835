package dev.kurir.adapters.http;

import dev.kurir.application.console.port.out.SagaRecords;
import dev.kurir.application.console.port.out.SagaRecords.MessageFacts;
import dev.kurir.application.console.port.out.SagaRecords.OrderFacts;
import dev.kurir.application.console.port.out.SagaRecords.ReservationFacts;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The order saga page: a search by order id or customer id, then everything the rows of this process's modules say
 * about one order, in time order, with the time between steps and a link to the trace.
 */
final class ConsoleSaga {
    private static final int CUSTOMER_ORDERS_SHOWN = 20;

    /** One thing that happened to the order. */
    private record Step(Instant at, String what, String detailHtml) {
    }

    private final SagaRecords records;
    private final Optional<String> traceUrl;

    ConsoleSaga(SagaRecords records, Optional<String> traceUrl) {
        this.records = records;
        this.traceUrl = traceUrl;
    }

    String render(String query) {
        StringBuilder body = new StringBuilder("""
                <form method="get" action="/console/orders" role="search">
                <label for="q">Order id or customer id</label>
                <input id="q" name="q" value="%s" required>
                <button type="submit">Show</button>
                </form>
                """.formatted(Html.text(query)));
        if (query.isEmpty()) {
            return body.toString();
        }
        SagaRecords.Saga saga = records.saga(query);
        if (saga.isEmpty()) {
            List<String> orders = records.ordersOfCustomer(query, CUSTOMER_ORDERS_SHOWN);
            if (orders.isEmpty()) {
                return body.append("<p id=\"nothing-known\">Nothing is known here about ").append(Html.text(query))
                        .append(".</p>").toString();
            }
            body.append("<h2>Orders of customer ").append(Html.text(query)).append("</h2><ul>");
            for (String orderId : orders) {
                body.append("<li><a href=\"/console/orders?q=").append(Html.text(Html.query(orderId))).append("\">")
                        .append(Html.text(orderId)).append("</a></li>");
            }
            return body.append("</ul>").toString();
        }
        return body.append(timeline(saga)).toString();
    }

    private String timeline(SagaRecords.Saga saga) {
        StringBuilder body = new StringBuilder("<h2>Order ").append(Html.text(saga.orderId())).append("</h2>");
        saga.order().ifPresentOrElse(order -> body.append("<p>Status: <strong id=\"order-status\">")
                        .append(Html.text(order.status())).append("</strong>, customer ")
                        .append(Html.text(order.customerId())).append(", amount ").append(Html.text(order.amount()))
                        .append("</p>"),
                () -> body.append("<p>The order itself lives in the order service; these are this service's rows "
                        + "about it.</p>"));
        traceLink(saga).ifPresent(link -> body.append("<p><a id=\"trace-link\" href=\"").append(Html.text(link))
                .append("\">Open the trace</a></p>"));
        body.append("<div class=\"scroll\"><table><caption>Timeline</caption><thead><tr><th scope=\"col\">When</th>"
                + "<th scope=\"col\">After</th><th scope=\"col\">Step</th><th scope=\"col\">Details</th></tr></thead>"
                + "<tbody>");
        Instant previous = null;
        for (Step step : steps(saga)) {
            body.append("<tr><td>").append(Html.time(step.at())).append("</td><td>")
                    .append(previous == null ? "" : "+" + millis(Duration.between(previous, step.at())))
                    .append("</td><td>").append(Html.text(step.what())).append("</td><td>").append(step.detailHtml())
                    .append("</td></tr>");
            previous = step.at();
        }
        return body.append("</tbody></table></div>").toString();
    }

    private static List<Step> steps(SagaRecords.Saga saga) {
        List<Step> steps = new ArrayList<>();
        saga.order().ifPresent(order -> {
            steps.add(new Step(order.createdAt(), "Order placed", "customer " + Html.text(order.customerId())));
            if (!"PENDING".equals(order.status())) {
                steps.add(new Step(order.updatedAt(), "Order " + order.status(), Html.text(decision(order))));
            }
        });
        for (MessageFacts message : saga.messages()) {
            String where = message.module() + " " + message.table() + ": " + message.eventType();
            String arrived = message.table().equals("outbox") ? " written" : " received";
            steps.add(new Step(message.createdAt(), where + arrived,
                    "message " + Html.text(message.messageId()) + ", row " + message.id()));
            String outcome = switch (message.status()) {
                case "SENT" -> " published";
                case "PROCESSED" -> " processed";
                case "PENDING" -> "";
                default -> " " + message.status();
            };
            if (!outcome.isEmpty()) {
                steps.add(new Step(message.updatedAt(), where + outcome, "status " + Html.text(message.status())
                        + ", retries " + message.retryCount()
                        + message.error().map(e -> ", error: " + Html.text(e)).orElse("")));
            } else {
                steps.add(new Step(message.updatedAt(), where + " waiting", "PENDING, retries " + message.retryCount()
                        + message.error().map(e -> ", last error: " + Html.text(e)).orElse("")));
            }
        }
        saga.reservation().ifPresent(reservation -> steps.addAll(reservationSteps(reservation)));
        steps.sort(Comparator.comparing(Step::at));
        return steps;
    }

    private static List<Step> reservationSteps(ReservationFacts reservation) {
        List<Step> steps = new ArrayList<>();
        reservation.decision().ifPresent(decision -> steps.add(new Step(reservation.createdAt(),
                "Stock " + decision, Html.text(reservation.reason().orElse("")))));
        if (reservation.cancelled()) {
            steps.add(new Step(reservation.updatedAt(), "Reservation released", "the order was cancelled"));
        }
        return steps;
    }

    private static String decision(OrderFacts order) {
        return order.rejectionReason().or(order::cancellationReason).orElse("");
    }

    /** The trace id of the first stored {@code traceparent} ({@code 00-<trace id>-<span id>-<flags>}). */
    private Optional<String> traceLink(SagaRecords.Saga saga) {
        return traceUrl.flatMap(template -> saga.messages().stream()
                .flatMap(message -> message.traceparent().stream())
                .map(traceparent -> traceparent.split("-"))
                .filter(parts -> parts.length == 4 && parts[1].matches("[0-9a-f]{32}"))
                .map(parts -> template.replace("{traceId}", parts[1]))
                .findFirst());
    }

    private static String millis(Duration duration) {
        long ms = duration.toMillis();
        return ms < 10_000 ? ms + " ms" : ms / 1000 + " s";
    }
}
