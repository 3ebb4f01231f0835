/**
 * The HTTP API ({@code /api}, with its OpenAPI document, Swagger UI and problem pages) and the management endpoints
 * ({@code /health}, {@code /metrics}, {@code /admin}).
 */
module dev.kurir.adapters.http {
    requires dev.kurir.application;
    requires io.javalin;
    requires org.eclipse.jetty.server; // the graceful stop: see StoppingHandler
    requires org.eclipse.jetty.http;
    requires org.eclipse.jetty.util;
    requires com.fasterxml.jackson.databind;
    requires java.sql;
    requires org.slf4j;

    exports dev.kurir.adapters.http;
}
