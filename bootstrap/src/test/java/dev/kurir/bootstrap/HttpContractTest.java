package dev.kurir.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpHeaders;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * {@link HttpContract} on hand-made exchanges: what conforms passes, and each kind of departure fails with the route,
 * the status and the schema's complaint, also against a deliberately broken copy of the document.
 */
class HttpContractTest {
    private static final String ORDER = "{\"orderId\":\"0b6f5a2e-3c1d-4f7a-9e8b-1a2b3c4d5e6f\",\"customerId\":\"c-1\","
            + "\"items\":[{\"sku\":\"ITEM-1\",\"quantity\":2,\"unitPrice\":\"1.50\"}],\"amount\":\"3.00\","
            + "\"status\":\"PENDING\",\"rejectionReason\":null,\"cancellationReason\":null,"
            + "\"createdAt\":\"2026-12-07T20:00:00.123456Z\",\"updatedAt\":\"2026-12-07T20:00:00.123456Z\"}";
    private static final String PLACE = "{\"customerId\":\"c-1\",\"items\":[{\"sku\":\"ITEM-1\",\"quantity\":2}]}";

    private static HttpExchange placed(String query, String requestBody, int status, String responseBody) {
        return new HttpExchange(HttpContract.Port.API, "POST", "/api/orders", query,
                headers(Map.of("Content-Type", "application/json")), requestBody, status,
                headers(Map.of("Content-Type", status < 300 ? "application/json" : "application/problem+json",
                        "Location", "/api/orders/x")), responseBody);
    }

    private static HttpHeaders headers(Map<String, String> values) {
        return HttpHeaders.of(values.entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> List.of(e.getValue()))),
                (name, value) -> true);
    }

    @Test
    void aPlacedOrder_asTheApiAnswersIt_conforms() {
        assertEquals(List.of(), HttpContract.kurir().check(placed(null, PLACE, 201, ORDER)));
    }

    @Test
    void anAmountWithThreeDecimals_failsNamingTheRouteStatusAndField() {
        List<String> mismatches = HttpContract.kurir().check(placed(null, PLACE, 201,
                ORDER.replace("\"amount\":\"3.00\"", "\"amount\":\"3.000\"")));
        assertEquals(1, mismatches.size(), mismatches.toString());
        assertTrue(mismatches.get(0).startsWith("POST /api/orders 201 response body: ")
                && mismatches.get(0).contains("amount"), mismatches.get(0));
    }

    @Test
    void anUndocumentedStatus_anUndocumentedField_anUndocumentedQueryParameter_eachFail() {
        assertTrue(HttpContract.kurir().check(placed(null, PLACE, 418, "")).get(0)
                .contains("status 418 is not documented for POST /api/orders"));
        assertTrue(HttpContract.kurir().check(placed(null, PLACE, 201, ORDER.replace("{\"orderId\"",
                "{\"secret\":1,\"orderId\""))).get(0).contains("secret"));
        assertTrue(HttpContract.kurir().check(placed("dryRun=true", PLACE, 201, ORDER)).get(0)
                .contains("query parameter dryRun is not documented"));
    }

    @Test
    void anAcceptedRequest_thatTheDocumentCallsInvalid_fails_whileARefusedOneIsNotHeldAgainstIt() {
        String noLines = "{\"customerId\":\"c-1\",\"items\":[]}";
        assertTrue(HttpContract.kurir().check(placed(null, noLines, 201, ORDER)).get(0)
                .startsWith("POST /api/orders request body: "));
        String problem = "{\"type\":\"/problems/invalid-request\",\"title\":\"The request is invalid\",\"status\":400,"
                + "\"detail\":\"items must hold at least one line\",\"instance\":\"/api/orders\"}";
        assertEquals(List.of(), HttpContract.kurir().check(placed(null, noLines, 400, problem)));
        assertTrue(HttpContract.kurir().check(placed(null, noLines, 400,
                problem.replace("invalid-request", "unknown-sku"))).get(0).contains("type"),
                "a 400 must carry the invalid-request type");
    }

    @Test
    void anUnknownPath_mustAnswerTheDocumented404() {
        String notFound = "{\"type\":\"/problems/not-found\",\"title\":\"Not found\",\"status\":404,"
                + "\"detail\":\"no route\",\"instance\":\"/health/ready\"}";
        HttpExchange onApiPort = new HttpExchange(HttpContract.Port.API, "GET", "/health/ready", null,
                headers(Map.of()), "", 404, headers(Map.of("Content-Type", "application/problem+json")), notFound);
        assertEquals(List.of(), HttpContract.kurir().check(onApiPort), "management routes are not on the API port");
        HttpExchange answered = new HttpExchange(HttpContract.Port.API, "GET", "/api/nothing", null, headers(Map.of()),
                "", 200, headers(Map.of("Content-Type", "application/json")), "{}");
        assertTrue(HttpContract.kurir().check(answered).get(0).contains("no route of the document matches"));
    }

    @Test
    void aDeliberatelyWrongDocument_failsTheExchangesTheRealOneAccepts() {
        // The fixture: kurir's document, with amounts documented as numbers.
        String wrong = HttpContract.resource().replace("    Decimal:\n      type: string\n",
                "    Decimal:\n      type: number\n");
        assertTrue(!wrong.equals(HttpContract.resource()), "the fixture differs from the document");
        HttpContract contract = HttpContract.of(wrong);
        AssertionError failure = assertThrows(AssertionError.class,
                () -> contract.assertConforms(placed(null, PLACE, 201, ORDER)));
        assertTrue(failure.getMessage().contains("POST /api/orders -> 201")
                && failure.getMessage().contains("POST /api/orders 201 response body")
                && failure.getMessage().contains("amount"), failure.getMessage());
    }

    @Test
    void aDocumentSwaggerParserReportsOn_isRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> HttpContract.of(HttpContract.resource().replace("openapi: 3.1.0", "openapi: 3.1.0\nnonsense: [")));
        assertThrows(IllegalArgumentException.class,
                () -> HttpContract.of(HttpContract.resource().replace("  title: kurir\n", "")));
    }
}
