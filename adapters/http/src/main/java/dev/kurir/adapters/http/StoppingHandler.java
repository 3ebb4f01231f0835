package dev.kurir.adapters.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's graceful stop, answered in kurir's terms: while the server stops, the requests in flight finish and are
 * answered, and a request that still arrives on a kept-alive connection is refused before anything is done with
 * {@code 503} problem+json {@code /problems/stopping}, {@code Retry-After: 1} and {@code Connection: close}, so that a
 * client (or a load balancer) sends it to another instance. Jetty's own refusal is an HTML page.
 */
final class StoppingHandler extends GracefulHandler {

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (!isShutdown()) {
            return super.handle(request, response, callback);
        }
        // (Jetty 12.1.13 has a hook for this, handleShutdownRejection; Javalin 7.2.3 brings 12.1.12.)
        refuse(request, response, callback);
        return true;
    }

    private static void refuse(Request request, Response response, Callback callback) {
        ObjectNode body = ProblemHandlers.body(503, ProblemType.STOPPING, "this instance is stopping and took no new "
                + "request; nothing was done, retry it (another instance answers)", Request.getPathInContext(request));
        response.setStatus(503);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, ProblemHandlers.PROBLEM_JSON);
        response.getHeaders().put(HttpHeader.RETRY_AFTER, "1");
        response.getHeaders().put(HttpHeader.CONNECTION, "close");
        response.write(true, ByteBuffer.wrap(body.toString().getBytes(StandardCharsets.UTF_8)), callback);
    }
}
