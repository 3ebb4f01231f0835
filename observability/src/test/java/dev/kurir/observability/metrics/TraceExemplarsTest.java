package dev.kurir.observability.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.snapshots.Labels;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class TraceExemplarsTest {
    private static final String TRACE_ID = "0af7651916cd43dd8448eb211c80319c";
    private static final String SPAN_ID = "b7ad6b7169203331";

    @Test
    void of_aSampledTraceparent_givesTraceAndSpanId() {
        assertEquals(Optional.of(Labels.of("trace_id", TRACE_ID, "span_id", SPAN_ID)),
                TraceExemplars.of("00-" + TRACE_ID + "-" + SPAN_ID + "-01"));
    }

    @Test
    void of_aLaterVersionWithMoreFields_isAccepted() {
        assertEquals(Optional.of(Labels.of("trace_id", TRACE_ID, "span_id", SPAN_ID)),
                TraceExemplars.of("01-" + TRACE_ID + "-" + SPAN_ID + "-03-whatever"));
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {
            "",
            "00-" + TRACE_ID + "-" + SPAN_ID + "-00",                     // not sampled: nothing was exported
            "00-0AF7651916CD43DD8448EB211C80319C-" + SPAN_ID + "-01",     // upper case is invalid
            "00-00000000000000000000000000000000-" + SPAN_ID + "-01",     // invalid trace id
            "00-" + TRACE_ID + "-0000000000000000-01",                     // invalid span id
            "ff-" + TRACE_ID + "-" + SPAN_ID + "-01",                     // invalid version
            "00-" + TRACE_ID + "-" + SPAN_ID + "-01-extra",               // version 00 has four fields
            "00-" + TRACE_ID + "-" + SPAN_ID,
            "not a traceparent"})
    void of_anAbsentOrInvalidOrUnsampledTraceparent_givesNoExemplar(String traceparent) {
        assertEquals(Optional.empty(), TraceExemplars.of(traceparent));
    }

    @Test
    void observe_attachesTheStoredTrace_andObservesWithoutOneWhenThereIsNone() {
        Histogram withTrace = Histogram.builder().name("with_trace_seconds").build();
        Histogram withoutTrace = Histogram.builder().name("without_trace_seconds").build();

        TraceExemplars.observe(withTrace, 0.3, "00-" + TRACE_ID + "-" + SPAN_ID + "-01");
        TraceExemplars.observe(withoutTrace, 0.3, null);

        var exemplars = withTrace.collect().getDataPoints().get(0).getExemplars();
        assertEquals(1, exemplars.size());
        assertEquals(TRACE_ID, exemplars.get(0).getLabels().get("trace_id"));
        assertEquals(SPAN_ID, exemplars.get(0).getLabels().get("span_id"));
        assertEquals(0.3, exemplars.get(0).getValue());
        var plain = withoutTrace.collect().getDataPoints().get(0);
        assertEquals(1, plain.getCount());
        assertTrue(plain.getExemplars().size() == 0);
    }
}
