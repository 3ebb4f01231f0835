package dev.kurir.adapters.http;

/**
 * An error answered as RFC 9457 {@code application/problem+json}. Thrown by request parsing; mapped by
 * {@link ProblemHandlers}.
 */
public final class Problem extends RuntimeException {
    private final ProblemType type;

    /** @param detail what was wrong with this request, for the client */
    public Problem(ProblemType type, String detail) {
        super(detail);
        this.type = type;
    }

    public static Problem badRequest(String detail) {
        return new Problem(ProblemType.INVALID_REQUEST, detail);
    }

    public static Problem notFound(String detail) {
        return new Problem(ProblemType.NOT_FOUND, detail);
    }

    public ProblemType type() {
        return type;
    }
}
