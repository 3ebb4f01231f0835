package dev.kurir.adapters.http;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The HTML pages behind the problem {@code type} URIs: one per {@link ProblemType}, and an index of them all. */
final class ProblemPages {
    private ProblemPages() {
    }

    static String page(ProblemType type) {
        return document(type.title(), "<h1>" + escape(type.title()) + "</h1>\n"
                + "<p><code>type: " + type.uri() + "</code> &middot; HTTP status " + type.status() + "</p>\n"
                + "<h2>What it means</h2>\n<p>" + escape(type.meaning()) + "</p>\n"
                + "<h2>What to do</h2>\n<p>" + escape(type.action()) + "</p>\n"
                + "<p>The answer is an RFC 9457 <code>application/problem+json</code> document: its <code>detail</code> "
                + "says what was wrong with this request. <a href=\"/problems\">All problem types</a> &middot; "
                + "<a href=\"/docs\">API documentation</a></p>");
    }

    static String index() {
        String rows = Arrays.stream(ProblemType.values())
                .map(type -> "<tr><td><a href=\"" + type.uri() + "\">" + type.uri() + "</a></td><td>" + type.status()
                        + "</td><td>" + escape(type.title()) + "</td></tr>")
                .collect(Collectors.joining("\n"));
        return document("Problem types", "<h1>Problem types</h1>\n<p>Every error kurir answers, by its "
                + "<code>type</code>.</p>\n<table>\n<tr><th>type</th><th>status</th><th>title</th></tr>\n" + rows
                + "\n</table>");
    }

    private static String document(String title, String body) {
        return "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>kurir: " + escape(title)
                + "</title></head>\n<body>\n" + body + "\n</body>\n</html>\n";
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
