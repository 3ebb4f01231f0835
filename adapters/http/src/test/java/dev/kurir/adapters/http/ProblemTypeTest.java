package dev.kurir.adapters.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The problem types, their pages and the OpenAPI document agree; the documentation routes answer. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProblemTypeTest {
    private HttpServer server;

    @BeforeAll
    void start() {
        server = HttpServer.start("127.0.0.1", 0, List.of(new ApiDocsRoutes()));
    }

    @AfterAll
    void stop() {
        server.close();
    }

    @Test
    void everyProblemType_hasAPage_thatExplainsIt() throws IOException {
        for (ProblemType type : ProblemType.values()) {
            Answer page = get(type.uri());
            assertEquals(200, page.status(), type.uri());
            assertTrue(page.contentType().startsWith("text/html"), type.uri() + ": " + page.contentType());
            assertTrue(page.body().contains(type.title()) && page.body().contains(type.uri())
                    && page.body().contains(escaped(type.meaning())) && page.body().contains(escaped(type.action())),
                    page.body());
            assertTrue(get("/problems").body().contains("href=\"" + type.uri() + "\""), "the index links " + type);
        }
        Answer unknown = get("/problems/no-such-problem");
        assertEquals(404, unknown.status());
        assertTrue(unknown.body().contains("\"type\":\"/problems/not-found\""), unknown.body());
    }

    @Test
    void theOpenApiDocument_namesEveryProblemType_andNoOther() throws IOException {
        JsonNode document = new ObjectMapper(new YAMLFactory()).readTree(resource(ApiDocsRoutes.OPENAPI_RESOURCE));
        Set<String> named = new TreeSet<>();
        collectProblemTypes(document, named);
        Set<String> types = Arrays.stream(ProblemType.values()).map(ProblemType::uri)
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(types, named, "the types the document's responses name vs ProblemType");
        Set<String> slugs = new TreeSet<>();
        document.at("/components/schemas/ProblemSlug/enum").forEach(slug -> slugs.add(slug.asText()));
        assertEquals(Arrays.stream(ProblemType.values()).map(ProblemType::slug)
                .collect(Collectors.toCollection(TreeSet::new)), slugs, "ProblemSlug, the pages' path parameter");
    }

    /** Every problem the code answers goes through ProblemType: no other source file writes a type URI. */
    @Test
    void noSourceFile_butProblemType_writesAProblemTypeUri() throws IOException {
        Pattern literal = Pattern.compile("\"/problems/[a-z][a-z-]*\""); // a type URI, not the route of its pages
        Path sources = Path.of("src/main/java");
        assertTrue(Files.isDirectory(sources), "run from the module's directory: " + sources.toAbsolutePath());
        List<String> offenders;
        try (Stream<Path> files = Files.walk(sources)) {
            offenders = files.filter(file -> file.toString().endsWith(".java"))
                    .filter(file -> !file.endsWith("ProblemType.java"))
                    .filter(file -> {
                        try {
                            Matcher matcher = literal.matcher(Files.readString(file));
                            return matcher.find();
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    })
                    .map(Path::toString).toList();
        }
        assertEquals(List.of(), offenders);
    }

    @Test
    void theDocument_andSwaggerUi_areServed_fromTheJarsOnTheClassPath() throws IOException {
        Answer document = get("/openapi.yaml");
        assertEquals(200, document.status());
        assertEquals(new String(resource(ApiDocsRoutes.OPENAPI_RESOURCE), StandardCharsets.UTF_8), document.body());
        Answer docs = get("/docs");
        assertEquals(200, docs.status());
        assertTrue(docs.body().contains("/docs/swagger-ui-bundle.js"), docs.body());
        Answer initializer = get("/docs/swagger-initializer.js");
        assertTrue(initializer.body().contains("url: \"/openapi.yaml\""), initializer.body());
        Answer bundle = get("/docs/swagger-ui-bundle.js");
        assertEquals(200, bundle.status());
        assertTrue(bundle.contentType().startsWith("text/javascript") && bundle.body().contains("SwaggerUIBundle"));
        assertEquals(404, get("/docs/index.html").status(), "only the files the page loads, and kurir's own page");
        assertEquals(404, get("/docs/oauth2-redirect.html").status(), "only the files the page loads");
    }

    private static void collectProblemTypes(JsonNode node, Set<String> into) {
        if (node.isTextual() && node.asText().startsWith("/problems/")) {
            into.add(node.asText());
        }
        node.forEach(child -> collectProblemTypes(child, into));
    }

    private static String escaped(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = ApiDocsRoutes.class.getResourceAsStream(name)) {
            return in.readAllBytes();
        }
    }

    private record Answer(int status, String contentType, String body) {
    }

    private Answer get(String path) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) URI.create("http://127.0.0.1:" + server.port() + path)
                .toURL().openConnection();
        try {
            int status = connection.getResponseCode();
            InputStream in = status < 400 ? connection.getInputStream() : connection.getErrorStream();
            String body = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return new Answer(status, String.valueOf(connection.getContentType()), body);
        } finally {
            connection.disconnect();
        }
    }
}
