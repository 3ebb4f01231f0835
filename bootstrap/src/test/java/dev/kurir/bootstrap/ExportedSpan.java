package dev.kurir.bootstrap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A span as the OpenTelemetry agent's {@code logging-otlp} exporter reports it: with the agent logging through the
 * application ({@code OTEL_JAVAAGENT_LOGGING=application}), each export is a log line whose message is one OTLP
 * JSON {@code ResourceSpans}.
 *
 * @param parentSpanId empty for a root span
 * @param kind         the OTLP enum: 1 internal, 2 server, 3 client, 4 producer, 5 consumer
 */
record ExportedSpan(String service, String traceId, String spanId, String parentSpanId, String name, int kind,
                    long startNanos, long endNanos, Map<String, String> attributes, List<String> linkedTraceIds) {
    static final int SERVER = 2;
    static final int CLIENT = 3;
    static final int PRODUCER = 4;
    static final int CONSUMER = 5;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String EXPORTER = "io.opentelemetry.exporter.logging.otlp.OtlpJsonLoggingSpanExporter";

    /** The spans exported in these log lines. */
    static List<ExportedSpan> in(List<JsonNode> logLines) {
        List<ExportedSpan> spans = new ArrayList<>();
        for (JsonNode line : logLines) {
            if (EXPORTER.equals(line.path("logger").asText())) {
                spans.addAll(of(parse(line.path("message").asText())));
            }
        }
        return spans;
    }

    boolean isRoot() {
        return parentSpanId.isEmpty();
    }

    Duration duration() {
        return Duration.ofNanos(endNanos - startNanos);
    }

    private static List<ExportedSpan> of(JsonNode resourceSpans) {
        String service = values(resourceSpans.path("resource").path("attributes")).get("service.name");
        List<ExportedSpan> spans = new ArrayList<>();
        for (JsonNode scope : resourceSpans.path("scopeSpans")) {
            for (JsonNode span : scope.path("spans")) {
                List<String> links = new ArrayList<>();
                span.path("links").forEach(link -> links.add(link.path("traceId").asText()));
                spans.add(new ExportedSpan(service, span.path("traceId").asText(), span.path("spanId").asText(),
                        span.path("parentSpanId").asText(""), span.path("name").asText(), span.path("kind").asInt(),
                        span.path("startTimeUnixNano").asLong(), span.path("endTimeUnixNano").asLong(),
                        values(span.path("attributes")), links));
            }
        }
        return spans;
    }

    private static Map<String, String> values(JsonNode attributes) {
        Map<String, String> values = new HashMap<>();
        // Each value is an object with one member named for its type: {"stringValue": "..."}, {"intValue": "3"}, ...
        attributes.forEach(attribute -> values.put(attribute.path("key").asText(),
                attribute.path("value").elements().hasNext() ? attribute.path("value").elements().next().asText() : ""));
        return values;
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new AssertionError("not OTLP JSON: " + json, e);
        }
    }
}
