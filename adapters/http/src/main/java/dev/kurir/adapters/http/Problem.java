package dev.kurir.adapters.http;

/**
 * An error answered as RFC 9457 {@code application/problem+json}. Thrown by request parsing; mapped by
 * {@link ProblemHandlers}.
 *
 * @param type a short slug; the problem's {@code type} is {@code /problems/<slug>}
 */
public final class Problem extends RuntimeException {
    private final int status;
    private final String type;
    private final String title;

    public Problem(int status, String type, String title, String detail) {
        super(detail);
        this.status = status;
        this.type = type;
        this.title = title;
    }

    public static Problem badRequest(String detail) {
        return new Problem(400, "invalid-request", "The request is invalid", detail);
    }

    public static Problem notFound(String detail) {
        return new Problem(404, "not-found", "Not found", detail);
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String title() {
        return title;
    }
}
