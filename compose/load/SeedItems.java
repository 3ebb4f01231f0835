import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Creates the items the load generator orders (bench/src/LoadGen.java: BENCH-001 ... BENCH-n, as bench/run.sh seeds
 * them), through kurir's API; an item that exists already (409) is fine, so the load service may restart. Waits up to
 * two minutes for the API to answer at all.
 *
 * <pre>java -cp CLASSES SeedItems http://kurir:8080 100</pre>
 */
public final class SeedItems {
    private SeedItems() {
    }

    public static void main(String[] args) throws Exception {
        URI items = URI.create(args[0] + "/api/items");
        int count = Integer.parseInt(args[1]);
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        for (int i = 1; i <= count; i++) {
            String body = String.format("{\"sku\":\"BENCH-%03d\",\"name\":\"Load item %d\",\"price\":\"10.00\","
                    + "\"stock\":1000000000}", i, i);
            HttpRequest request = HttpRequest.newBuilder(items).timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
            int status = send(client, request, i == 1 ? 60 : 3);
            if (status != 201 && status != 409) {
                System.err.println("POST " + items + " BENCH-" + i + ": HTTP " + status);
                System.exit(1);
            }
        }
        System.out.println("items BENCH-001..BENCH-" + String.format("%03d", count) + " in place");
    }

    /** The status, after up to {@code attempts} tries 2 s apart while the API does not answer (or answers 503). */
    private static int send(HttpClient client, HttpRequest request, int attempts) throws InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                int status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status != 503 || attempt >= attempts) {
                    return status;
                }
            } catch (java.io.IOException e) {
                if (attempt >= attempts) {
                    System.err.println("the API at " + request.uri() + " does not answer: " + e);
                    System.exit(1);
                }
            }
            Thread.sleep(2_000);
        }
    }
}
