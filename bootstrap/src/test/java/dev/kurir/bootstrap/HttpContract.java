package dev.kurir.bootstrap;

import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialects;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * kurir's OpenAPI document as a contract the HTTP tests' exchanges must keep. For each exchange:
 * <ul>
 *   <li>the answer's status must be documented for the route (a path no route has must answer a documented 404),
 *   its documented headers present and valid, its media type documented and a JSON body valid against the schema;</li>
 *   <li>a request that was accepted (2xx) must itself be valid by the document: its path, query and header parameters,
 *   no undocumented query parameter, its body, and the bearer token where the route is secured. A refused request
 *   (4xx) is usually invalid on purpose: only its answer is checked.</li>
 * </ul>
 * The document is read by swagger-parser (it must parse without a message); schemas are checked by networknt's
 * JSON Schema validator with the OpenAPI 3.1 dialect, formats asserted.
 */
final class HttpContract {
    /**
     * Which of kurir's two ports an exchange was with. The document's root server is the API port (relative: the port
     * that serves it); a path whose own server defaults to port 8081 is on the management port.
     */
    enum Port { API, MANAGEMENT }

    static final String RESOURCE = "dev/kurir/adapters/http/openapi.yaml";
    /** The document's name inside the schema registry: never fetched, only used to resolve its own references. */
    private static final String BASE = "https://kurir.test/openapi.yaml";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern TEMPLATE_PARAMETER = Pattern.compile("\\{([A-Za-z][A-Za-z0-9]*)}");
    private static volatile HttpContract kurir;

    private final JsonNode document;
    private final SchemaRegistry schemas;
    private final List<Route> routes = new ArrayList<>();
    private final Map<String, Schema> schemaCache = new ConcurrentHashMap<>();

    private record Route(Port port, String template, Pattern pattern, String pointer) {
    }

    private record Located(String pointer, JsonNode node) {
    }

    private HttpContract(String yaml) {
        ParseOptions options = new ParseOptions();
        SwaggerParseResult parsed = new OpenAPIV3Parser().readContents(yaml, null, options);
        if (parsed.getOpenAPI() == null || !parsed.getMessages().isEmpty()) {
            throw new IllegalArgumentException("not a valid OpenAPI document: " + parsed.getMessages());
        }
        document = new YAMLMapper().readTree(yaml);
        schemas = SchemaRegistry.withDialect(Dialects.getOpenApi31(),
                builder -> builder.schemas(Map.of(BASE, JSON.writeValueAsString(document))));
        document.path("paths").properties().forEach(entry -> routes.add(new Route(port(entry.getValue()),
                entry.getKey(), pattern(entry.getKey()), "/paths/" + escape(entry.getKey()))));
        // A literal segment wins over a parameter: /api/items/prices is not the item "prices".
        routes.sort(Comparator.comparingLong(route -> route.template().chars().filter(c -> c == '{').count()));
    }

    /** The document kurir serves, read from the class path. */
    static HttpContract kurir() {
        if (kurir == null) {
            synchronized (HttpContract.class) {
                if (kurir == null) {
                    kurir = of(resource());
                }
            }
        }
        return kurir;
    }

    /** @throws IllegalArgumentException if the text is not an OpenAPI document swagger-parser reads without a message */
    static HttpContract of(String yaml) {
        return new HttpContract(yaml);
    }

    static String resource() {
        try (InputStream in = HttpContract.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is not on the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @throws AssertionError naming the exchange, its route and every mismatch */
    void assertConforms(HttpExchange exchange) {
        List<String> mismatches = check(exchange);
        if (!mismatches.isEmpty()) {
            throw new AssertionError("HTTP contract (openapi.yaml): " + exchange.describe() + "\n  - "
                    + String.join("\n  - ", mismatches) + "\n  response body: " + abbreviate(exchange.responseBody()));
        }
    }

    /** Every way the exchange departs from the document; empty when it conforms. */
    List<String> check(HttpExchange exchange) {
        List<String> mismatches = new ArrayList<>();
        String path = exchange.rawPath().length() > 1 && exchange.rawPath().endsWith("/")
                ? exchange.rawPath().substring(0, exchange.rawPath().length() - 1) : exchange.rawPath();
        Optional<Map.Entry<Route, Matcher>> matched = routes.stream()
                .filter(route -> route.port() == exchange.port())
                .map(route -> Map.entry(route, route.pattern().matcher(path)))
                .filter(entry -> entry.getValue().matches())
                .filter(entry -> document.at(entry.getKey().pointer()).has(exchange.method().toLowerCase(Locale.ROOT)))
                .findFirst();
        if (matched.isEmpty()) {
            checkUnrouted(exchange, mismatches);
            return mismatches;
        }
        Route route = matched.get().getKey();
        String operation = route.pointer() + "/" + exchange.method().toLowerCase(Locale.ROOT);
        String name = exchange.method() + " " + route.template();
        JsonNode responses = document.at(operation + "/responses");
        String status = Integer.toString(exchange.status());
        String key = responses.has(status) ? status : responses.has(status.charAt(0) + "XX") ? status.charAt(0) + "XX"
                : responses.has("default") ? "default" : null;
        if (key == null) {
            mismatches.add("status " + status + " is not documented for " + name);
        } else {
            checkResponse(exchange, name, resolve(operation + "/responses/" + key), mismatches);
        }
        if (exchange.status() / 100 == 2) {
            checkRequest(exchange, name, route, matched.get().getValue(), operation, mismatches);
        }
        return mismatches;
    }

    /** No route has this path and method on this port: the answer must be one the document gives for that. */
    private void checkUnrouted(HttpExchange exchange, List<String> mismatches) {
        String response = switch (exchange.status()) {
            case 400 -> "InvalidRequest";
            case 404 -> "NotFound";
            case 503 -> exchange.port() == Port.API ? "ApiUnavailable" : "ManagementUnavailable";
            default -> null;
        };
        String name = exchange.method() + " " + exchange.rawPath() + " (no route on the " + exchange.port() + " port)";
        if (response == null) {
            mismatches.add("no route of the document matches " + name + ", and " + exchange.status()
                    + " is not an answer for an unknown route (400, 404 or 503)");
            return;
        }
        checkResponse(exchange, name, resolve("/components/responses/" + response), mismatches);
    }

    private void checkResponse(HttpExchange exchange, String name, Located response, List<String> mismatches) {
        response.node().path("headers").properties().forEach(entry -> {
            Located header = resolve(response.pointer() + "/headers/" + escape(entry.getKey()));
            Optional<String> value = exchange.responseHeaders().firstValue(entry.getKey());
            if (value.isEmpty()) {
                if (header.node().path("required").asBoolean(false)) {
                    mismatches.add(name + " " + exchange.status() + ": required header " + entry.getKey() + " missing");
                }
                return;
            }
            validate(header.pointer() + "/schema", typed(header.pointer() + "/schema", value.get()),
                    name + " " + exchange.status() + " header " + entry.getKey(), mismatches);
        });
        checkBody(response, exchange.responseMediaType(), exchange.responseBody(),
                name + " " + exchange.status() + " response body", mismatches);
    }

    private void checkRequest(HttpExchange exchange, String name, Route route, Matcher path, String operation,
                              List<String> mismatches) {
        Map<String, String> query = query(exchange.rawQuery());
        List<Located> parameters = new ArrayList<>();
        for (String owner : List.of(route.pointer(), operation)) {
            JsonNode list = document.at(owner + "/parameters");
            for (int i = 0; i < list.size(); i++) {
                parameters.add(resolve(owner + "/parameters/" + i));
            }
        }
        for (Located parameter : parameters) {
            String parameterName = parameter.node().path("name").asString();
            String in = parameter.node().path("in").asString();
            Optional<String> value = switch (in) {
                case "path" -> Optional.of(decode(path.group(parameterName)));
                case "query" -> Optional.ofNullable(query.remove(parameterName));
                case "header" -> exchange.requestHeaders().firstValue(parameterName);
                default -> Optional.empty();
            };
            if (value.isEmpty()) {
                if (parameter.node().path("required").asBoolean(false)) {
                    mismatches.add(name + " request: required " + in + " parameter " + parameterName + " missing");
                }
                continue;
            }
            validate(parameter.pointer() + "/schema", typed(parameter.pointer() + "/schema", value.get()),
                    name + " request " + in + " parameter " + parameterName, mismatches);
        }
        query.keySet().forEach(undocumented -> mismatches.add(name + " request: query parameter " + undocumented
                + " is not documented, yet the request was accepted"));
        if (document.at(operation).has("requestBody")) {
            Located body = resolve(operation + "/requestBody");
            if (exchange.requestBody().isEmpty() && body.node().path("required").asBoolean(false)) {
                mismatches.add(name + " request: the body is required, yet a request without one was accepted");
            } else if (!exchange.requestBody().isEmpty()) {
                checkBody(body, exchange.requestMediaType(), exchange.requestBody(), name + " request body",
                        mismatches);
            }
        } else if (!exchange.requestBody().isEmpty()) {
            mismatches.add(name + " request: a body was sent and accepted, but the route documents none");
        }
        JsonNode security = document.at(operation).has("security") ? document.at(operation + "/security")
                : document.path("security");
        boolean secured = false;
        for (JsonNode requirement : security) {
            secured |= !requirement.isEmpty();
        }
        if (secured && !exchange.requestHeaders().firstValue("Authorization").orElse("").startsWith("Bearer ")) {
            mismatches.add(name + " request: accepted without the bearer token its security requires");
        }
    }

    private void checkBody(Located owner, Optional<String> mediaType, String body, String what,
                           List<String> mismatches) {
        JsonNode content = owner.node().path("content");
        if (content.isMissingNode() || content.isEmpty()) {
            if (!body.isEmpty()) {
                mismatches.add(what + ": there is a body, but the document gives this none");
            }
            return;
        }
        if (mediaType.isEmpty()) {
            mismatches.add(what + ": no Content-Type; documented: " + content.propertyNames());
            return;
        }
        if (!content.has(mediaType.get())) {
            mismatches.add(what + ": media type " + mediaType.get() + " is not documented; documented: "
                    + content.propertyNames());
            return;
        }
        String schema = owner.pointer() + "/content/" + escape(mediaType.get()) + "/schema";
        if (!isJson(mediaType.get()) || !document.at(owner.pointer() + "/content/" + escape(mediaType.get()))
                .has("schema")) {
            return; // text, HTML, YAML, images: the document says only that they are strings
        }
        JsonNode parsed;
        try {
            parsed = JSON.readTree(body);
        } catch (RuntimeException e) {
            mismatches.add(what + ": not JSON although " + mediaType.get() + ": " + e.getMessage());
            return;
        }
        validate(schema, parsed, what, mismatches);
    }

    private void validate(String pointer, JsonNode value, String what, List<String> mismatches) {
        Schema schema = schemaCache.computeIfAbsent(pointer,
                p -> schemas.getSchema(SchemaLocation.of(BASE + "#" + fragment(p))));
        // networknt's Error is a validation message, not java.lang.Error.
        List<com.networknt.schema.Error> errors = schema.validate(value, context -> context.executionConfig(
                config -> config.formatAssertionsEnabled(true)));
        errors.forEach(error -> mismatches.add(what + ": " + error + " (schema " + pointer + ")"));
    }

    /** A header or parameter value as the JSON value its schema expects: numbers as numbers, the rest as text. */
    private JsonNode typed(String schemaPointer, String value) {
        JsonNode schema = resolve(schemaPointer).node();
        String type = schema.path("type").asString("");
        if (type.equals("integer") || type.equals("number")) {
            try {
                return JsonNodeFactory.instance.numberNode(new BigDecimal(value));
            } catch (NumberFormatException e) {
                return JsonNodeFactory.instance.stringNode(value); // the schema then says what is wrong
            }
        }
        return JsonNodeFactory.instance.stringNode(value);
    }

    /** Follows a {@code $ref} within the document (parameters, responses, headers, schemas). */
    private Located resolve(String pointer) {
        JsonNode node = document.at(pointer);
        int hops = 0;
        while (node.has("$ref") && hops++ < 10) {
            String ref = node.get("$ref").asString();
            if (!ref.startsWith("#/")) {
                throw new IllegalArgumentException("only references within the document are supported: " + ref);
            }
            pointer = ref.substring(1);
            node = document.at(pointer);
            if (node.isMissingNode()) {
                throw new IllegalArgumentException("unresolved reference " + ref);
            }
        }
        return new Located(pointer, node);
    }

    private static Port port(JsonNode pathItem) {
        JsonNode servers = pathItem.path("servers");
        if (servers.isEmpty()) {
            return Port.API;
        }
        if (servers.get(0).path("variables").path("port").path("default").asString().equals("8081")) {
            return Port.MANAGEMENT;
        }
        throw new IllegalArgumentException("a path's own server must be the management port (default 8081): "
                + servers);
    }

    private static Pattern pattern(String template) {
        StringBuilder regex = new StringBuilder();
        Matcher parameter = TEMPLATE_PARAMETER.matcher(template);
        int last = 0;
        while (parameter.find()) {
            regex.append(Pattern.quote(template.substring(last, parameter.start())))
                    .append("(?<").append(parameter.group(1)).append(">[^/]+)");
            last = parameter.end();
        }
        return Pattern.compile(regex.append(Pattern.quote(template.substring(last))).toString());
    }

    private static Map<String, String> query(String rawQuery) {
        Map<String, String> query = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return query;
        }
        for (String pair : rawQuery.split("&")) {
            String[] parts = pair.split("=", 2);
            query.putIfAbsent(decode(parts[0]), parts.length > 1 ? decode(parts[1]) : "");
        }
        return query;
    }

    private static String decode(String value) {
        return URLDecoder.decode(value, StandardCharsets.UTF_8);
    }

    private static boolean isJson(String mediaType) {
        return mediaType.equals("application/json") || mediaType.endsWith("+json");
    }

    /** JSON Pointer escaping of one reference token (RFC 6901). */
    private static String escape(String token) {
        return token.replace("~", "~0").replace("/", "~1");
    }

    /** A JSON Pointer as a URI fragment: the characters a fragment may not hold, percent-encoded (RFC 6901, 6). */
    private static String fragment(String pointer) {
        return pointer.replace("%", "%25").replace("{", "%7B").replace("}", "%7D").replace(" ", "%20");
    }

    private static String abbreviate(String body) {
        return body == null ? "" : body.length() > 500 ? body.substring(0, 500) + "..." : body;
    }
}
