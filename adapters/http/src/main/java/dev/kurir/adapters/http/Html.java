package dev.kurir.adapters.http;

import java.time.Instant;

/**
 * Building the console's HTML by hand: every value that comes from data goes through {@link #text}, which escapes
 * what HTML would read as markup, in element content and in quoted attribute values alike.
 */
final class Html {
    private Html() {
    }

    /** The value escaped for HTML text and double- or single-quoted attribute values; null as the empty string. */
    static String text(Object value) {
        if (value == null) {
            return "";
        }
        String raw = value.toString();
        StringBuilder escaped = new StringBuilder(raw.length() + 16);
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            switch (c) {
                case '&' -> escaped.append("&amp;");
                case '<' -> escaped.append("&lt;");
                case '>' -> escaped.append("&gt;");
                case '"' -> escaped.append("&quot;");
                case '\'' -> escaped.append("&#39;");
                default -> escaped.append(c);
            }
        }
        return escaped.toString();
    }

    /** A moment the browser shows in its own zone (console.js); the ISO text stays the fallback. */
    static String time(Instant at) {
        if (at == null) {
            return "";
        }
        String iso = at.toString();
        return "<time datetime=\"" + text(iso) + "\">" + text(iso) + "</time>";
    }

    /** A query-string value, percent-encoded. */
    static String query(String value) {
        return java.net.URLEncoder.encode(value == null ? "" : value, java.nio.charset.StandardCharsets.UTF_8);
    }
}
