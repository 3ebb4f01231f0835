package dev.kurir.bootstrap;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Everything kurir reads from its environment, validated once at start-up.
 *
 * @param databaseUrl empty to run on the embedded PostgreSQL kept under {@code dataDir}
 */
public record KurirConfig(Optional<String> databaseUrl, String databaseUser, String databasePassword,
                          Path dataDir, String httpHost, int httpPort, int managementPort, String environment,
                          int databasePoolSize) {

    /** Every variable kurir reads; any other {@code KURIR_*} variable is probably a typo and is reported. */
    static final Set<String> VARIABLES = Set.of("KURIR_DB_URL", "KURIR_DB_USER", "KURIR_DB_PASSWORD",
            "KURIR_DATA_DIR", "KURIR_HTTP_HOST", "KURIR_HTTP_PORT", "KURIR_MANAGEMENT_PORT", "KURIR_ENVIRONMENT",
            "KURIR_DB_POOL_SIZE", "KURIR_LOG_FORMAT");
    private static final Pattern ENVIRONMENT = Pattern.compile("[a-z0-9][a-z0-9_-]{0,31}");

    /** @throws ConfigException naming the first variable whose value cannot be used */
    public static KurirConfig from(Map<String, String> env) {
        Optional<String> url = optional(env, "KURIR_DB_URL");
        url.ifPresent(value -> {
            if (!value.startsWith("jdbc:postgresql://")) {
                throw new ConfigException("KURIR_DB_URL", "must be a PostgreSQL JDBC URL such as "
                        + "jdbc:postgresql://127.0.0.1:5432/kurir, was " + value);
            }
        });
        Path dataDir = optional(env, "KURIR_DATA_DIR").map(Path::of)
                .orElse(Path.of(System.getProperty("user.home"), ".kurir"));
        int httpPort = port(env, "KURIR_HTTP_PORT", 8080);
        int managementPort = port(env, "KURIR_MANAGEMENT_PORT", 8081);
        if (httpPort != 0 && httpPort == managementPort) {
            throw new ConfigException("KURIR_MANAGEMENT_PORT", "must differ from KURIR_HTTP_PORT (" + httpPort + ")");
        }
        String environment = optional(env, "KURIR_ENVIRONMENT").orElse("development");
        if (!ENVIRONMENT.matcher(environment).matches()) {
            throw new ConfigException("KURIR_ENVIRONMENT", "must be 1-32 lower-case letters, digits, '-' or '_', was "
                    + environment);
        }
        return new KurirConfig(url, optional(env, "KURIR_DB_USER").orElse("postgres"),
                optional(env, "KURIR_DB_PASSWORD").orElse(""), dataDir,
                optional(env, "KURIR_HTTP_HOST").orElse("0.0.0.0"), httpPort, managementPort, environment,
                integer(env, "KURIR_DB_POOL_SIZE", 10, 1, 200));
    }

    /** {@code KURIR_*} names in the environment that kurir does not read. */
    static Set<String> unknownVariables(Map<String, String> env) {
        Set<String> unknown = new TreeSet<>();
        env.keySet().stream().filter(name -> name.startsWith("KURIR_") && !VARIABLES.contains(name)).forEach(unknown::add);
        return unknown;
    }

    private static Optional<String> optional(Map<String, String> env, String name) {
        return Optional.ofNullable(env.get(name)).map(String::trim).filter(value -> !value.isEmpty());
    }

    private static int port(Map<String, String> env, String name, int fallback) {
        return integer(env, name, fallback, 0, 65535);
    }

    private static int integer(Map<String, String> env, String name, int fallback, int min, int max) {
        Optional<String> value = optional(env, name);
        if (value.isEmpty()) {
            return fallback;
        }
        try {
            int parsed = Integer.parseInt(value.get());
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below, with the accepted range
        }
        throw new ConfigException(name, "must be an integer from " + min + " to " + max + ", was " + value.get());
    }

    /** The configuration without secrets, for the start-up log line. */
    @Override
    public String toString() {
        return "KurirConfig[database=" + databaseUrl.orElse("embedded in " + dataDir) + ", user=" + databaseUser
                + ", http=" + httpHost + ":" + httpPort + ", management=" + managementPort
                + ", environment=" + environment + ", pool=" + databasePoolSize + "]";
    }
}
