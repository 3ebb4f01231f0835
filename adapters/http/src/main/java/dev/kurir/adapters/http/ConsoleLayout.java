package dev.kurir.adapters.http;

import java.util.Optional;

/** The frame of every console page: head, navigation with the sign-out form, notices, one {@code h1}. */
final class ConsoleLayout {
    private ConsoleLayout() {
    }

    /**
     * @param refreshSeconds 0 for none; the overview reloads itself (console.js)
     * @param notice         what the last action did, shown once (from the redirect's query)
     * @param error          why the last action failed
     */
    static String page(String title, String csrfToken, String placement, int refreshSeconds, Optional<String> notice,
                       Optional<String> error, String body) {
        return head(title) + """
                <header>
                <nav aria-label="Console"><a href="/console/overview">Overview</a> ·
                <a href="/console/orders">Order saga</a> · <a href="/console/failures">Failures</a> ·
                <a href="/console/dead-letters">Dead letters</a></nav>
                <form class="inline" method="post" action="/console/sign-out">
                <input type="hidden" name="csrf" value="%s"><button type="submit">Sign out</button></form>
                </header>
                <main%s>
                <h1>%s</h1>
                <p>%s</p>
                %s%s%s
                </main>
                <script src="/console/assets/console.js"></script>
                </body></html>
                """.formatted(Html.text(csrfToken),
                refreshSeconds > 0 ? " data-refresh-seconds=\"" + refreshSeconds + "\"" : "",
                Html.text(title), Html.text(placement),
                notice.map(n -> "<p class=\"notice\" role=\"status\">" + Html.text(n) + "</p>").orElse(""),
                error.map(e -> "<p class=\"error\" role=\"alert\">" + Html.text(e) + "</p>").orElse(""), body);
    }

    static String signIn(Optional<String> error) {
        return head("Sign in") + """
                <main>
                <h1>kurir console: sign in</h1>
                %s
                <form method="post" action="/console/sign-in">
                <label for="token">Admin token</label>
                <input id="token" name="token" type="password" autocomplete="current-password" required>
                <button type="submit">Sign in</button>
                </form>
                </main>
                </body></html>
                """.formatted(error.map(e -> "<p class=\"error\" role=\"alert\">" + Html.text(e) + "</p>").orElse(""));
    }

    private static String head(String title) {
        return """
                <!DOCTYPE html>
                <html lang="en"><head><meta charset="utf-8">
                <meta name="viewport" content="width=device-width, initial-scale=1">
                <title>%s · kurir console</title>
                <link rel="stylesheet" href="/console/assets/console.css">
                <link rel="icon" href="/console/assets/favicon.svg" type="image/svg+xml">
                </head><body>
                """.formatted(Html.text(title));
    }
}
