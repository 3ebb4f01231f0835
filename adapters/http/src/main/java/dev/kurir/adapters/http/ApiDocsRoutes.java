package dev.kurir.adapters.http;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * What describes the API, on the API port: {@code GET /openapi.yaml} (the OpenAPI 3.1 document), {@code GET /docs}
 * (Swagger UI over it, served from the {@code org.webjars:swagger-ui} jar: nothing is fetched from elsewhere) and
 * {@code GET /problems/<slug>} (a page per {@link ProblemType}, where each problem's {@code type} URI leads).
 */
public final class ApiDocsRoutes implements RouteGroup {
    static final String OPENAPI_RESOURCE = "openapi.yaml";
    private static final String WEBJAR = "META-INF/resources/webjars/swagger-ui/";
    private static final String WEBJAR_POM = "META-INF/maven/org.webjars/swagger-ui/pom.properties";
    /** The files of Swagger UI that its page loads; the initializer is kurir's own, pointed at /openapi.yaml. */
    private static final Map<String, String> UI_FILES = Map.of(
            "swagger-ui.css", "text/css",
            "index.css", "text/css",
            "swagger-ui-bundle.js", "text/javascript",
            "swagger-ui-standalone-preset.js", "text/javascript",
            "favicon-16x16.png", "image/png",
            "favicon-32x32.png", "image/png");

    private final byte[] openApi;
    private final byte[] docsPage;
    private final byte[] initializer;
    private final Map<String, byte[]> uiFiles = new LinkedHashMap<>();

    /** @throws IllegalStateException if the document or Swagger UI is missing from the class path (a broken build) */
    public ApiDocsRoutes() {
        openApi = own(OPENAPI_RESOURCE);
        docsPage = own("docs.html");
        initializer = own("swagger-initializer.js");
        String uiDirectory = WEBJAR + swaggerUiVersion() + "/";
        UI_FILES.keySet().forEach(file -> uiFiles.put(file, read(uiDirectory + file)
                .orElseThrow(() -> new IllegalStateException("Swagger UI's " + file + " is not on the class path"))));
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/openapi.yaml", ctx -> send(ctx, "application/yaml", openApi));
        routes.get("/docs", ctx -> send(ctx, "text/html; charset=utf-8", docsPage));
        routes.get("/docs/{file}", this::uiFile);
        routes.get("/problems", ctx -> ctx.html(ProblemPages.index()));
        routes.get("/problems/{slug}", ctx -> ctx.html(ProblemPages.page(problemType(ctx.pathParam("slug")))));
    }

    private void uiFile(Context ctx) {
        String file = ctx.pathParam("file");
        if (file.equals("swagger-initializer.js")) {
            send(ctx, "text/javascript", initializer);
            return;
        }
        byte[] content = uiFiles.get(file);
        if (content == null) {
            throw Problem.notFound("no file " + file + " in /docs");
        }
        send(ctx, UI_FILES.get(file), content);
    }

    private static ProblemType problemType(String slug) {
        return Arrays.stream(ProblemType.values()).filter(type -> type.slug().equals(slug)).findFirst()
                .orElseThrow(() -> Problem.notFound("no problem type " + slug + "; GET /problems lists them"));
    }

    private static void send(Context ctx, String contentType, byte[] content) {
        ctx.status(200).contentType(contentType).result(content);
    }

    private static byte[] own(String name) {
        try (InputStream in = ApiDocsRoutes.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing beside " + ApiDocsRoutes.class.getName());
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String swaggerUiVersion() {
        byte[] pom = read(WEBJAR_POM).orElseThrow(
                () -> new IllegalStateException("Swagger UI (org.webjars:swagger-ui) is not on the class path"));
        Properties properties = new Properties();
        try {
            properties.load(new ByteArrayInputStream(pom));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties.getProperty("version");
    }

    /** Swagger UI's files are outside any package (META-INF), so no module encapsulates them. */
    private static Optional<byte[]> read(String name) {
        try (InputStream in = ApiDocsRoutes.class.getClassLoader().getResourceAsStream(name)) {
            return in == null ? Optional.empty() : Optional.of(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
