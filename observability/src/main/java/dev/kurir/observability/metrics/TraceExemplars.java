package dev.kurir.observability.metrics;

import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.model.snapshots.Labels;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Exemplars from a stored W3C {@code traceparent} ({@code 00-<trace id>-<span id>-<flags>}): the trace of the
 * request that wrote a row, not whatever span the worker happens to be in when the observation is made.
 */
final class TraceExemplars {
    private static final Pattern TRACEPARENT =
            Pattern.compile("([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?");
    private static final String INVALID_TRACE_ID = "0".repeat(32);
    private static final String INVALID_SPAN_ID = "0".repeat(16);

    private TraceExemplars() {
    }

    /**
     * The exemplar labels {@code trace_id} and {@code span_id}; empty when there is no valid traceparent, or when
     * the trace was not sampled (its spans were never exported, so the exemplar would lead nowhere).
     */
    static Optional<Labels> of(String traceparent) {
        if (traceparent == null) {
            return Optional.empty();
        }
        var match = TRACEPARENT.matcher(traceparent);
        if (!match.matches()) {
            return Optional.empty();
        }
        String version = match.group(1);
        String traceId = match.group(2);
        String spanId = match.group(3);
        boolean sampled = (Integer.parseInt(match.group(4), 16) & 1) == 1;
        // Version ff is invalid; version 00 has exactly four fields, later versions may append more.
        boolean wellFormed = !version.equals("ff") && !(version.equals("00") && match.group(5) != null)
                && !traceId.equals(INVALID_TRACE_ID) && !spanId.equals(INVALID_SPAN_ID);
        if (!wellFormed || !sampled) {
            return Optional.empty();
        }
        return Optional.of(Labels.of("trace_id", traceId, "span_id", spanId));
    }

    /** Observes {@code value}, with the exemplar of {@code traceparent} when there is one. */
    static void observe(DistributionDataPoint point, double value, String traceparent) {
        of(traceparent).ifPresentOrElse(labels -> point.observeWithExemplar(value, labels), () -> point.observe(value));
    }
}
