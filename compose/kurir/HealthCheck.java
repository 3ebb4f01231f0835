import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The image's health probe: exit 0 when {@code GET /health/ready} on the management port answers 200, 1 otherwise.
 * The JRE image has no curl or wget. The port is {@code KURIR_MANAGEMENT_PORT} (default 8081).
 */
public final class HealthCheck {
    private HealthCheck() {
    }

    public static void main(String[] args) {
        String port = System.getenv().getOrDefault("KURIR_MANAGEMENT_PORT", "8081");
        URI uri = URI.create(args.length > 0 ? args[0] : "http://127.0.0.1:" + port + "/health/ready");
        try {
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            HttpResponse<String> response = client.send(
                    HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(3)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 200) {
                System.exit(0);
            }
            System.out.println("not ready: " + response.statusCode() + " " + response.body());
        } catch (Exception e) {
            System.out.println("not ready: " + e);
        }
        System.exit(1);
    }
}
