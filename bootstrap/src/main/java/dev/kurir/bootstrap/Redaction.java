package dev.kurir.bootstrap;

import java.net.URI;
import java.util.Arrays;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** URLs from the configuration as they may be shown in a log line: without the credentials they may carry. */
final class Redaction {
    static final String HIDDEN = "***";
    /** Parameter names whose values are secrets: password, sslpassword, passwd, pwd, any secret or token. */
    private static final Pattern SECRET_NAME = Pattern.compile("(?i).*(pass|pwd|secret|token).*");

    private Redaction() {
    }

    /**
     * A JDBC URL with every secret hidden: user info before the host ({@code //user:password@host}, up to the last
     * {@code @}, since a password may hold an unencoded one) and the values of parameters that name a password,
     * secret or token. Split at the first {@code ?}, as pgjdbc splits it.
     */
    static String jdbcUrl(String url) {
        int query = url.indexOf('?');
        String server = query < 0 ? url : url.substring(0, query);
        int authority = server.indexOf("//");
        int at = server.lastIndexOf('@');
        if (authority >= 0 && at > authority) {
            server = server.substring(0, authority + 2) + HIDDEN + server.substring(at);
        }
        if (query < 0) {
            return server;
        }
        return server + "?" + Arrays.stream(url.substring(query + 1).split("&", -1))
                .map(Redaction::parameter).collect(Collectors.joining("&"));
    }

    private static String parameter(String parameter) {
        int equals = parameter.indexOf('=');
        String name = equals < 0 ? parameter : parameter.substring(0, equals);
        return equals >= 0 && SECRET_NAME.matcher(name).matches() ? name + "=" + HIDDEN : parameter;
    }

    /** An http(s) URL without its user info: {@code scheme://host[:port][path]}. */
    static String httpUrl(URI url) {
        return url.getScheme() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort())
                + (url.getRawPath() == null ? "" : url.getRawPath());
    }
}
