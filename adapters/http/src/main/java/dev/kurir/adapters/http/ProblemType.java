package dev.kurir.adapters.http;

/**
 * Every kind of problem kurir answers. Its {@code type} is the relative URI {@code /problems/<slug>}, and
 * {@code GET /problems/<slug>} on the API port answers a page made of {@link #meaning} and {@link #action}
 * ({@link ApiDocsRoutes}). The OpenAPI document names the same types per route; {@code ProblemTypeTest} keeps the two
 * in step.
 */
public enum ProblemType {
    INVALID_REQUEST("invalid-request", 400, "The request is invalid",
            "The request itself is at fault: malformed or trailing JSON, a duplicate key, a field missing or of the wrong "
                    + "type, a value out of range, a bad query parameter (limit, status, cursor, customerId) or a NUL "
                    + "character. The detail names what was wrong. Nothing was written.",
            "Correct the request as the detail says and send it again. Sending it unchanged gets the same answer."),
    UNAUTHORIZED("unauthorized", 401, "Authentication required",
            "An operator API call came without an Authorization: Bearer header.",
            "Send Authorization: Bearer followed by the token configured in KURIR_ADMIN_TOKEN."),
    FORBIDDEN("forbidden", 403, "Forbidden",
            "An operator API call came with a bearer token that is not the configured one. The attempt is logged.",
            "Use the token configured in KURIR_ADMIN_TOKEN."),
    NOT_FOUND("not-found", 404, "Not found",
            "No order, item or row has that id, or no route has that path on this port. In split mode a process "
                    + "serves only the routes of the modules it runs.",
            "Check the id (an order id is the orderId of the 201 answer) and the port: the API and the management "
                    + "endpoints are on different ports."),
    ADMIN_DISABLED("admin-disabled", 404, "The operator API is disabled",
            "The operator API (/admin on the management port) is off because no token is configured.",
            "Set KURIR_ADMIN_TOKEN and restart kurir to turn it on."),
    CSRF("csrf", 403, "Forbidden",
            "A console form came without this session's CSRF token. Nothing was done.",
            "Reload the console page and send the form from it."),
    CROSS_ORIGIN("cross-origin", 403, "Forbidden",
            "A console form came from another origin (its Origin or Referer header is not the console's). Nothing was "
                    + "done.",
            "Use the console's own pages; a form on another site cannot act on kurir."),
    CONFLICT("conflict", 409, "The request conflicts with the current state",
            "The request breaks a rule given what is stored now: for example cancelling an order that was REJECTED. "
                    + "Nothing was written.",
            "Read the resource again and decide: the request cannot succeed as long as its state stays the same."),
    ITEM_EXISTS("item-exists", 409, "The item already exists",
            "An item with this sku exists already. Nothing was written.",
            "Use another sku, or POST /api/items/{sku}/restock to add stock to the existing item."),
    NO_DESTINATION("no-destination", 409, "The dead letter cannot be replayed",
            "The dead-lettered message names no original exchange to send it back to. It stays in the dead-letter queue.",
            "Inspect it (GET /admin/dead-letters) and discard it, or publish a corrected message yourself."),
    NOT_ROUTED("not-routed", 409, "The replay reached no queue",
            "The broker routed the replayed message to no queue. It stays in the dead-letter queue.",
            "Check that the consuming service has declared its queue (start it), then replay again."),
    CONTENT_TOO_LARGE("content-too-large", 413, "Content too large",
            "The body is larger than 64 KiB, as declared or as sent. Nothing was read further or written.",
            "Send a smaller body: an order holds at most 100 lines."),
    UNSUPPORTED_MEDIA_TYPE("unsupported-media-type", 415, "Unsupported media type",
            "The body is not declared as application/json.",
            "Send the JSON body with Content-Type: application/json."),
    UNKNOWN_SKU("unknown-sku", 422, "The order names unknown items",
            "The order names skus the catalog does not sell; the detail lists them. Nothing was written.",
            "Remove or correct those lines (GET /api/items lists what is sold) and place the order again."),
    IDEMPOTENCY_KEY_REUSED("idempotency-key-reused", 422, "The Idempotency-Key was used for another request",
            "An earlier order was placed with this Idempotency-Key and a different body. The key identifies one request "
                    + "only. Nothing was written.",
            "Use a fresh key for a new order; to retry the earlier one, send its body unchanged with the same key."),
    INTERNAL_ERROR("internal-error", 500, "Internal server error",
            "Something unexpected failed inside kurir. It has been logged with the request's trace.",
            "Retry later; if it persists, report it with the time of the request."),
    DEPENDENCY_UNAVAILABLE("dependency-unavailable", 503, "A dependency is unavailable",
            "The database, or in split mode the item service that prices orders, could not be reached. Nothing was "
                    + "written.",
            "Retry later (after Retry-After seconds when given); with an Idempotency-Key a retry is always safe."),
    BROKER_UNAVAILABLE("broker-unavailable", 503, "The broker is unavailable",
            "RabbitMQ could not be reached to browse, replay or discard dead letters. Nothing was done.",
            "Retry when the broker is back (GET /health/ready and the RabbitMQ dashboards tell)."),
    OUTCOME_UNKNOWN("outcome-unknown", 503, "The outcome is unknown",
            "The database connection broke while the request was committing: it may or may not have taken effect.",
            "Retry with the same Idempotency-Key (the answer is then the first one's), or read the resource back "
                    + "before repeating the request."),
    OVERLOADED("overloaded", 503, "The service is overloaded",
            "Every API request slot was busy and none came free within the wait (KURIR_API_CONCURRENCY). Nothing was "
                    + "done.",
            "Retry after Retry-After seconds, with fewer requests at once."),
    STARTING("starting", 503, "The service is starting",
            "kurir is still migrating its schemas or starting its modules; the operator API waits for that.",
            "Retry after Retry-After seconds; GET /health/ready on the management port says when kurir is up."),
    STOPPING("stopping", 503, "The service is stopping",
            "This instance is stopping: it finishes the requests in flight and takes no new one. Nothing was done.",
            "Send the request again (Retry-After: 1); behind a load balancer another instance answers it.");

    private final String slug;
    private final int status;
    private final String title;
    private final String meaning;
    private final String action;

    ProblemType(String slug, int status, String title, String meaning, String action) {
        this.slug = slug;
        this.status = status;
        this.title = title;
        this.meaning = meaning;
        this.action = action;
    }

    /** The last segment of {@link #uri()}, e.g. {@code not-found}. */
    public String slug() {
        return slug;
    }

    /** The value of a problem's {@code type}: relative, resolved against the API's address. */
    public String uri() {
        return "/problems/" + slug;
    }

    /** The HTTP status it is answered with. */
    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    /** What happened, for the problem's page. */
    public String meaning() {
        return meaning;
    }

    /** What the client should do, for the problem's page. */
    public String action() {
        return action;
    }
}
