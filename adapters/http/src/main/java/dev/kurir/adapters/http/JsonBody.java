package dev.kurir.adapters.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.Locale;

/**
 * Reads a JSON request body defensively: content type, size, syntax and nesting are checked before any field is
 * looked at, and every field access names what was wrong.
 */
final class JsonBody {
    static final int MAX_BYTES = 64 * 1024;
    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();

    static {
        JSON.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(32)
                .maxNumberLength(50)
                .maxStringLength(MAX_BYTES)
                .build());
    }

    private final JsonNode root;

    private JsonBody(JsonNode root) {
        this.root = root;
    }

    /** @throws Problem 415, 413 or 400 when the body is not an acceptable JSON object */
    static JsonBody of(Context ctx) {
        requireJsonContentType(ctx);
        byte[] bytes = readLimited(ctx);
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw Problem.badRequest("malformed JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (root == null || !root.isObject()) {
            throw Problem.badRequest("the body must be a JSON object");
        }
        return new JsonBody(root);
    }

    private static void requireJsonContentType(Context ctx) {
        String contentType = ctx.header("Content-Type");
        String mediaType = contentType == null ? "" : contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (!mediaType.equals("application/json")) {
            throw new Problem(ProblemType.UNSUPPORTED_MEDIA_TYPE,
                    "the body must be application/json, was " + (contentType == null ? "missing" : contentType));
        }
    }

    private static byte[] readLimited(Context ctx) {
        long declared = ctx.req().getContentLengthLong();
        if (declared > MAX_BYTES) {
            throw tooLarge();
        }
        // Read one byte past the limit so a chunked body that lies about its size is caught too.
        try (InputStream in = ctx.req().getInputStream()) {
            byte[] bytes = in.readNBytes(MAX_BYTES + 1);
            if (bytes.length > MAX_BYTES) {
                throw tooLarge();
            }
            return bytes;
        } catch (IOException e) {
            throw Problem.badRequest("the body could not be read: " + e.getMessage());
        }
    }

    private static Problem tooLarge() {
        return new Problem(ProblemType.CONTENT_TOO_LARGE, "the body must be at most " + MAX_BYTES + " bytes");
    }

    JsonNode root() {
        return root;
    }

    static String text(JsonNode object, String field, String path) {
        JsonNode value = required(object, field, path);
        if (!value.isTextual()) {
            throw wrongType(path + field, "a string", value);
        }
        if (value.textValue().indexOf('\u0000') >= 0) {
            // Valid JSON, but PostgreSQL stores no NUL in text: refused here rather than failing the insert.
            throw Problem.badRequest(path + field + " must not contain the NUL character (\\u0000)");
        }
        return value.textValue();
    }

    static int integer(JsonNode object, String field, String path) {
        JsonNode value = required(object, field, path);
        if (!value.isIntegralNumber()) {
            throw wrongType(path + field, "an integer", value);
        }
        if (!value.canConvertToInt()) {
            throw Problem.badRequest(path + field + " is out of range: " + value);
        }
        return value.intValue();
    }

    /** A decimal given as a string ({@code "12.50"}, preferred: exact) or a JSON number. */
    static BigDecimal decimal(JsonNode object, String field, String path) {
        JsonNode value = required(object, field, path);
        if (value.isNumber()) {
            return value.decimalValue();
        }
        if (value.isTextual()) {
            try {
                return new BigDecimal(value.textValue().trim());
            } catch (NumberFormatException e) {
                throw Problem.badRequest(path + field + " must be a decimal number such as \"12.50\"");
            }
        }
        throw wrongType(path + field, "a decimal string such as \"12.50\"", value);
    }

    static JsonNode array(JsonNode object, String field, String path) {
        JsonNode value = required(object, field, path);
        if (!value.isArray()) {
            throw wrongType(path + field, "an array", value);
        }
        return value;
    }

    private static JsonNode required(JsonNode object, String field, String path) {
        JsonNode value = object.get(field);
        if (value == null || value.isNull()) {
            throw Problem.badRequest(path + field + " is required");
        }
        return value;
    }

    private static Problem wrongType(String field, String expected, JsonNode actual) {
        return Problem.badRequest(field + " must be " + expected + ", was " + actual.getNodeType().name().toLowerCase(Locale.ROOT));
    }
}
