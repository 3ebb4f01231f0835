package dev.kurir.bootstrap;

import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** One request a test sent to a kurir port and the answer it got, as {@link HttpContract} checks them. */
record HttpExchange(HttpContract.Port port, String method, String rawPath, String rawQuery, HttpHeaders requestHeaders,
                    String requestBody, int status, HttpHeaders responseHeaders, String responseBody) {

    HttpExchange(HttpContract.Port port, HttpRequest request, byte[] requestBody, HttpResponse<String> response) {
        this(port, request.method(), request.uri().getRawPath(), request.uri().getRawQuery(), request.headers(),
                new String(requestBody, StandardCharsets.UTF_8), response.statusCode(), response.headers(),
                response.body());
    }

    /** The media type of the answer without its parameters, lower case; empty without a body. */
    Optional<String> responseMediaType() {
        return responseHeaders.firstValue("Content-Type").map(HttpExchange::mediaType);
    }

    Optional<String> requestMediaType() {
        return requestHeaders.firstValue("Content-Type").map(HttpExchange::mediaType);
    }

    static String mediaType(String contentType) {
        return contentType.split(";", 2)[0].trim().toLowerCase(java.util.Locale.ROOT);
    }

    /** How a failure names it: {@code POST /api/orders?limit=5 -> 201}. */
    String describe() {
        return method + " " + rawPath + (rawQuery == null ? "" : "?" + rawQuery) + " -> " + status;
    }
}
