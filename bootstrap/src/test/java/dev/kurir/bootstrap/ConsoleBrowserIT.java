package dev.kurir.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.kurir.testing.Prerequisite;
import dev.kurir.testing.TestBroker;
import dev.kurir.testing.TestDatabase;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.logging.Level;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * The console in a real browser (headless Chromium): an operator signs in, watches the overview move, reads a
 * CONFIRMED and a REJECTED order's saga, retries a FAILED row and replays a dead letter from the pages until their
 * orders end, and signs out. Each page is saved as a screenshot under {@code target/console-screenshots/}, must log
 * no browser console error, and passes a small accessibility check (labelled inputs, headings in order, text
 * contrast of at least 4.5:1).
 */
class ConsoleBrowserIT {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path SCREENSHOTS = Path.of("target", "console-screenshots");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "browser-admin-token-" + UUID.randomUUID();
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** Every element with text whose colour has less than 4.5:1 contrast against its effective background. */
    private static final String CONTRAST = """
            function luminance(colour) {
              var rgb = colour.match(/[\\d.]+/g).slice(0, 3).map(function (v) {
                v = Number(v) / 255;
                return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
              });
              return 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2];
            }
            function background(element) {
              for (; element; element = element.parentElement) {
                var colour = getComputedStyle(element).backgroundColor, parts = colour.match(/[\\d.]+/g);
                if (parts && (parts.length < 4 || Number(parts[3]) > 0)) { return colour; }
              }
              return "rgb(255, 255, 255)";
            }
            var low = [];
            document.querySelectorAll("h1, h2, h3, p, td, th, a, button, label, caption, strong, pre")
                .forEach(function (element) {
                  if (!element.textContent.trim()) { return; }
                  var fore = luminance(getComputedStyle(element).color), back = luminance(background(element));
                  var ratio = (Math.max(fore, back) + 0.05) / (Math.min(fore, back) + 0.05);
                  if (ratio < 4.5) { low.push(element.tagName + " '" + element.textContent.trim().slice(0, 40) + "' "
                      + ratio.toFixed(2)); }
                });
            return low;
            """;

    @Test
    void anOperator_followsOrders_retriesAFailedRow_replaysADeadLetter_andSignsOut() throws Exception {
        Prerequisite.require(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER), "ConsoleBrowserIT",
                "chromium and chromedriver (Debian packages chromium and chromium-driver)");
        Files.createDirectories(SCREENSHOTS);
        try (TestDatabase database = TestDatabase.create(); TestBroker broker = TestBroker.create()) {
            Map<String, String> env = RunningKurir.environment(database, broker);
            env.put("KURIR_ADMIN_TOKEN", TOKEN);
            env.put("KURIR_MAX_RETRIES", "1");
            env.put("KURIR_RETRY_BACKOFF", "50ms");
            try (Kurir kurir = Kurir.start(KurirConfig.from(env))) {
                WebDriver browser = browser();
                try {
                    new Walkthrough(kurir, broker, Jdbi.create(database.dataSource()), browser).run();
                } finally {
                    browser.quit();
                }
            }
        }
    }

    private static WebDriver browser() {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1400");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER.toString())).usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        // A click returns before the next page has loaded: element look-ups wait for it.
        driver.manage().timeouts().implicitlyWait(Duration.ofSeconds(10));
        return driver;
    }

    /** The steps, in order, against one running kurir. */
    private static final class Walkthrough {
        private final Kurir kurir;
        private final TestBroker broker;
        private final Jdbi jdbi;
        private final WebDriver browser;
        private final HttpClientSupport api;
        private final String console;

        Walkthrough(Kurir kurir, TestBroker broker, Jdbi jdbi, WebDriver browser) {
            this.kurir = kurir;
            this.broker = broker;
            this.jdbi = jdbi;
            this.browser = browser;
            this.api = new HttpClientSupport(kurir.apiPort());
            this.console = "http://127.0.0.1:" + kurir.managementPort() + "/console";
        }

        void run() throws Exception {
            browser.get(console);
            assertTrue(browser.getCurrentUrl().endsWith("/console/sign-in"), browser.getCurrentUrl());
            checkPage("sign-in");
            browser.findElement(By.id("token")).sendKeys(TOKEN);
            browser.findElement(By.cssSelector("form button[type=submit]")).click();
            awaitUrl("/console/overview");
            long confirmedBefore = number("orders-confirmed");
            long rejectedBefore = number("orders-rejected");
            checkPage("overview");

            assertEquals(201, api.postJson("/api/items",
                    "{\"sku\":\"BROWSER-1\",\"name\":\"W\",\"price\":\"3.00\",\"stock\":4}").statusCode());
            String confirmed = placeOrder("BROWSER-1", 1);
            String rejected = placeOrder("BROWSER-1", 50);
            awaitOnPage(console + "/overview", "the overview counts both orders", () ->
                    number("orders-confirmed") == confirmedBefore + 1 && number("orders-rejected") == rejectedBefore + 1);
            checkPage("overview-after-orders");

            showSaga(confirmed, "CONFIRMED", "saga-confirmed");
            showSaga(rejected, "REJECTED", "saga-rejected");

            retryAFailedRow();
            replayADeadLetter();

            browser.get(console + "/overview");
            browser.findElement(By.xpath("//header//button[text()='Sign out']")).click();
            awaitUrl("/console/sign-in");
            browser.get(console + "/failures");
            awaitUrl("/console/sign-in"); // signed out: refused, back to the form
        }

        /** A click returns before the page it leads to has loaded. */
        private void awaitUrl(String suffix) {
            Eventually.await("the browser at " + suffix, WAIT, () -> browser.getCurrentUrl().endsWith(suffix),
                    browser::getCurrentUrl);
        }

        private void showSaga(String orderId, String status, String screenshot) throws Exception {
            browser.get(console + "/orders");
            browser.findElement(By.id("q")).sendKeys(orderId);
            browser.findElement(By.cssSelector("form[role=search] button")).click();
            awaitUrl("?q=" + orderId);
            awaitOnPage(browser.getCurrentUrl(), "the saga of " + orderId + " ends " + status, () ->
                    status.equals(browser.findElement(By.id("order-status")).getText())
                            && browser.getPageSource().contains("Order " + status));
            checkPage(screenshot);
        }

        /** A stock table that refuses updates makes the items inbox give up; fixed, the row is retried from the page. */
        private void retryAFailedRow() throws Exception {
            jdbi.useHandle(h -> {
                h.execute("CREATE FUNCTION items.refuse() RETURNS trigger LANGUAGE plpgsql AS $$ "
                        + "BEGIN RAISE EXCEPTION 'stock table is read-only for maintenance'; END $$");
                h.execute("CREATE TRIGGER refuse BEFORE UPDATE ON items.items FOR EACH ROW "
                        + "EXECUTE FUNCTION items.refuse()");
            });
            String orderId = placeOrder("BROWSER-1", 1);
            java.util.concurrent.atomic.AtomicLong rowId = new java.util.concurrent.atomic.AtomicLong();
            Eventually.await("the items inbox row FAILED", WAIT, () -> jdbi.withHandle(h -> h
                    .createQuery("SELECT id FROM items.inbox WHERE payload->>'order_id' = ? AND status = 'FAILED'")
                    .bind(0, orderId).mapTo(Long.class).findOne()).map(id -> {
                        rowId.set(id);
                        return true;
                    }).orElse(false));
            jdbi.useHandle(h -> h.execute("DROP TRIGGER refuse ON items.items"));
            browser.get(console + "/failures");
            assertTrue(browser.getPageSource().contains("read-only for maintenance"));
            checkPage("failures");
            browser.findElement(By.xpath("//button[text()='Retry row " + rowId.get() + "']")).click();
            assertTrue(browser.findElement(By.cssSelector("p.notice")).getText().contains("PENDING again"));
            awaitOrder(orderId, "CONFIRMED");
        }

        /** An order.created dead-lettered before any inbox took it: only the replay from the page decides it. */
        private void replayADeadLetter() throws Exception {
            // An order id as kurir makes them, a UUID: the order is read back through the API, whose document says so.
            String orderId = UUID.randomUUID().toString();
            jdbi.useTransaction(h -> {
                h.execute("INSERT INTO orders.orders (order_id, customer_id, amount, status, created_at, updated_at) "
                        + "VALUES (?, 'browser', 3.00, 'PENDING', now(), now())", orderId);
                h.execute("INSERT INTO orders.order_lines (order_id, line_no, sku, quantity, unit_price) "
                        + "VALUES (?, 1, 'BROWSER-1', 1, 3.00)", orderId);
            });
            ConnectionFactory factory = new ConnectionFactory();
            factory.setUri(broker.amqpUri());
            try (Connection connection = factory.newConnection("console-browser-it");
                 Channel channel = connection.createChannel()) {
                channel.confirmSelect();
                Map<String, Object> headers = new HashMap<>();
                headers.put("x-kurir-dead-letter-reason", "simulated by ConsoleBrowserIT");
                headers.put("x-kurir-original-exchange", "orders");
                headers.put("x-kurir-original-routing-key", "order.created");
                channel.basicPublish("kurir.dead-letter", "order.created", true, new AMQP.BasicProperties.Builder()
                        .messageId(UUID.randomUUID().toString()).type("order.created").appId("order-service")
                        .contentType("application/json").deliveryMode(2).headers(headers).build(),
                        ("{\"order_id\":\"" + orderId + "\",\"customer_id\":\"browser\",\"amount\":\"3.00\","
                                + "\"items\":[{\"sku\":\"BROWSER-1\",\"quantity\":1}]}").getBytes(StandardCharsets.UTF_8));
                channel.waitForConfirmsOrDie(10_000);
            }
            browser.get(console + "/dead-letters");
            assertTrue(browser.getPageSource().contains(orderId), "the dead letter is listed with its body");
            checkPage("dead-letters");
            WebElement replay = browser.findElement(By.xpath("//pre[contains(., '" + orderId
                    + "')]/following-sibling::form[1]//button[starts-with(text(), 'Replay')]"));
            replay.click();
            assertTrue(browser.findElement(By.cssSelector("p.notice")).getText().contains("Replayed"));
            awaitOrder(orderId, "CONFIRMED");
        }

        private String placeOrder(String sku, int quantity) {
            try {
                return JSON.readTree(api.postJson("/api/orders", "{\"customerId\":\"browser\",\"items\":[{\"sku\":\""
                        + sku + "\",\"quantity\":" + quantity + "}]}").body()).get("orderId").asText();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }

        private void awaitOrder(String orderId, String status) {
            Eventually.await(orderId + " is " + status, WAIT, () -> api.get("/api/orders/" + orderId).body()
                    .contains("\"status\":\"" + status + "\""));
        }

        private long number(String id) {
            return Long.parseLong(browser.findElement(By.id(id)).getText().strip());
        }

        private void awaitOnPage(String url, String what, java.util.function.Supplier<Boolean> condition) {
            Eventually.await(what, WAIT, () -> {
                browser.get(url);
                return condition.get();
            });
        }

        /** Screenshot, no console errors, labelled inputs and headings in order. */
        private void checkPage(String name) throws Exception {
            // The page is loaded; absent elements must not be waited for.
            browser.manage().timeouts().implicitlyWait(Duration.ZERO);
            try {
                checkLoadedPage(name);
            } finally {
                browser.manage().timeouts().implicitlyWait(Duration.ofSeconds(10));
            }
        }

        private void checkLoadedPage(String name) throws Exception {
            Path shot = ((org.openqa.selenium.TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
            Files.copy(shot, SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
            List<String> errors = new ArrayList<>();
            for (LogEntry entry : browser.manage().logs().get(LogType.BROWSER)) {
                if (entry.getLevel().intValue() >= Level.SEVERE.intValue()) {
                    errors.add(entry.getMessage());
                }
            }
            assertEquals(List.of(), errors, name + ": browser console errors");
            for (WebElement input : browser.findElements(By.cssSelector("input:not([type=hidden]), select, textarea"))) {
                String id = input.getAttribute("id");
                boolean labelled = id != null && !id.isEmpty()
                        && !browser.findElements(By.cssSelector("label[for='" + id + "']")).isEmpty()
                        || input.getAttribute("aria-label") != null;
                assertTrue(labelled, name + ": an input without a label: " + input.getAttribute("outerHTML"));
            }
            List<WebElement> headings = browser.findElements(By.cssSelector("h1, h2, h3, h4, h5, h6"));
            assertTrue(!headings.isEmpty() && headings.get(0).getTagName().equals("h1"), name + ": starts with an h1");
            assertEquals(1, browser.findElements(By.tagName("h1")).size(), name + ": one h1");
            int level = 1;
            for (WebElement heading : headings) {
                int next = heading.getTagName().charAt(1) - '0';
                assertTrue(next <= level + 1, name + ": heading " + heading.getText() + " skips a level");
                level = next;
            }
            assertTrue(browser.findElement(By.tagName("html")).getAttribute("lang").equals("en"), name + ": lang");
            assertEquals(List.of(), ((org.openqa.selenium.JavascriptExecutor) browser).executeScript(CONTRAST),
                    name + ": text below a 4.5:1 contrast (WCAG AA)");
        }
    }
}
