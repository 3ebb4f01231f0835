package dev.kurir.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's curl calls, run in order against a running kurir: each must answer 2xx, and an order read back
 * must become CONFIRMED, as the README says. A {@code <orderId>} placeholder takes the id of the last order placed.
 */
class ReadmeExamplesIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path README = Path.of("..", "README.md");
    private static final Pattern BASH_BLOCK = Pattern.compile("^```bash\\n(.*?)^```", Pattern.MULTILINE | Pattern.DOTALL);
    private static final Pattern LOCAL_URL = Pattern.compile("^(?:http://)?localhost:(8080|8081)(/.*)$");

    @Test
    void theReadmesCurlCalls_work() throws Exception {
        List<List<String>> calls = curlCalls(Files.readString(README));
        assertFalse(calls.isEmpty(), "the README has curl calls");
        try (RunningKurir kurir = RunningKurir.start(Map.of())) {
            Map<String, Integer> ports = Map.of("8080", kurir.apiPort(), "8081", kurir.managementPort());
            String lastOrderId = null;
            for (List<String> call : calls) {
                Curl curl = Curl.parse(call, lastOrderId);
                Matcher url = LOCAL_URL.matcher(curl.url);
                assertTrue(url.matches(), "a README call to localhost:8080 or :8081: " + call);
                int port = ports.get(url.group(1));
                HttpClientSupport client = url.group(1).equals("8080") ? new HttpClientSupport(port)
                        : HttpClientSupport.management(port);
                HttpResponse<String> response = client.send(curl.request(
                        URI.create("http://127.0.0.1:" + port + url.group(2))));
                assertTrue(response.statusCode() / 100 == 2, call + " answered " + response.statusCode() + " "
                        + response.body());
                if (curl.url.contains("/api/orders/") && "GET".equals(curl.method)) {
                    String path = url.group(2);
                    Eventually.await("the order read back becomes CONFIRMED", Duration.ofSeconds(30),
                            () -> client.get(path).body().contains("\"status\":\"CONFIRMED\""),
                            () -> client.get(path).body());
                }
                JsonNode body = response.body().isBlank() ? null : JSON.readTree(response.body());
                if (body != null && body.has("orderId")) {
                    lastOrderId = body.get("orderId").asText();
                }
            }
        }
    }

    @Test
    void parsing_followsTheShellsQuoting() {
        List<List<String>> calls = curlCalls("""
                ```bash
                curl -s -X POST localhost:8080/api/x -H 'A: b c' \\
                     -d '{"k":"v w"}'   # a comment
                echo not curl
                ```
                """);
        assertEquals(List.of(List.of("curl", "-s", "-X", "POST", "localhost:8080/api/x", "-H", "A: b c", "-d",
                "{\"k\":\"v w\"}")), calls);
    }

    /** Each curl command of the README's bash blocks, as shell words; continuation lines joined, comments dropped. */
    private static List<List<String>> curlCalls(String markdown) {
        List<List<String>> calls = new ArrayList<>();
        Matcher block = BASH_BLOCK.matcher(markdown);
        while (block.find()) {
            String joined = block.group(1).replace("\\\n", " ");
            for (String line : joined.split("\n")) {
                List<String> words = words(line);
                if (!words.isEmpty() && words.getFirst().equals("curl")) {
                    calls.add(words);
                }
            }
        }
        return calls;
    }

    /** Shell words of a line: single and double quotes, and a {@code #} comment outside quotes. */
    private static List<String> words(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder word = null;
        char quote = 0;
        for (char c : line.toCharArray()) {
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    word.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                word = word == null ? new StringBuilder() : word;
            } else if (Character.isWhitespace(c)) {
                if (word != null) {
                    words.add(word.toString());
                    word = null;
                }
            } else if (c == '#' && word == null) {
                break;
            } else {
                word = word == null ? new StringBuilder() : word;
                word.append(c);
            }
        }
        if (word != null) {
            words.add(word.toString());
        }
        return words;
    }

    /** The part of curl the README uses; any other option fails the test rather than being ignored. */
    private record Curl(String method, String url, List<String[]> headers, String body) {
        static Curl parse(List<String> words, String lastOrderId) {
            String method = null;
            String url = null;
            List<String[]> headers = new ArrayList<>();
            String body = null;
            for (int i = 1; i < words.size(); i++) {
                String word = words.get(i);
                switch (word) {
                    case "-s", "-i" -> { }
                    case "-X" -> method = words.get(++i);
                    case "-H" -> headers.add(words.get(++i).split(":\\s*", 2));
                    case "-d" -> body = words.get(++i);
                    default -> {
                        if (word.startsWith("-") || url != null) {
                            fail("a curl option ReadmeExamplesIT does not know: " + word + " in " + words);
                        }
                        url = word;
                    }
                }
            }
            if (url.contains("<orderId>")) {
                assertTrue(lastOrderId != null, "an <orderId> before any order was placed: " + words);
                url = url.replace("<orderId>", lastOrderId);
            }
            method = method != null ? method : body != null ? "POST" : "GET";
            return new Curl(method, url, headers, body);
        }

        HttpRequest.Builder request(URI uri) {
            HttpRequest.Builder request = HttpRequest.newBuilder(uri).method(method,
                    body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
            headers.forEach(header -> request.header(header[0], header[1]));
            return request;
        }
    }
}
