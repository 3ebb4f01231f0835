package dev.kurir.adapters.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * What Jetty answers itself, before any route (a URI it refuses, such as one with an encoded NUL), as problem+json like
 * every other error: Jetty's own answer is an HTML page. The contract test found it.
 */
final class ProblemErrorHandler extends ErrorHandler {
    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                    Callback callback) {
        String detail = "the request was refused before it reached the API: "
                + Optional.ofNullable(message).orElse(HttpStatus.getMessage(code));
        String instance = Optional.ofNullable(request.getHttpURI().getPath()).orElse("/");
        ObjectNode body = ProblemHandlers.body(code, ProblemHandlers.typeOf(code), detail, instance);
        response.setStatus(code);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, ProblemHandlers.PROBLEM_JSON);
        response.write(true, ByteBuffer.wrap(body.toString().getBytes(StandardCharsets.UTF_8)), callback);
    }
}
