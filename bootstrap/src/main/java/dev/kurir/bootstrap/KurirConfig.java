package dev.kurir.bootstrap;

import dev.kurir.adapters.rabbitmq.QueueType;
import dev.kurir.adapters.rabbitmq.RabbitConnections;
import dev.kurir.application.messaging.MessagingSettings;
import dev.kurir.application.module.ModuleDescriptor;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Everything kurir reads from its environment, validated once at start-up.
 *
 * @param databaseUrl empty to run on the embedded PostgreSQL kept under {@code dataDir}
 * @param amqpUri     empty to run an embedded AMQP broker in the process
 * @param amqpQueueType the type of the inbox and dead-letter queues kurir declares on RabbitMQ
 * @param adminToken  the operator API's bearer token; empty turns the operator API off
 * @param retention   how long SENT and PROCESSED rows (and idempotency keys) are kept
 * @param modules     the business modules this process runs: {@code orders}, {@code items} or both
 * @param itemsUrl    where the item service answers, when this process runs orders without items
 * @param shutdownTimeout how long a SIGTERM may take before the process exits regardless
 * @param orderDeadline how long an order may stay PENDING before the saga deadline cancels it
 * @param databaseStartupWait how long the start waits for PostgreSQL to accept connections before it gives up
 * @param serviceName the name kurir reports in logs and traces: {@code OTEL_SERVICE_NAME}, which ./kurir and the
 *                    image's entrypoint set from {@code KURIR_MODULES} (bootstrap/src/main/agent/otel-env.sh decides
 *                    it: {@code kurir}, {@code order-service} or {@code item-service}); {@code kurir} when unset, as
 *                    the agent and the log lines name it then
 * @param traceUrl    the console's link to a trace viewer, {@code KURIR_TRACE_URL} with {@code {traceId}} in it;
 *                    empty shows no trace links
 * @param warmUp      how long the API is warmed up before kurir reports ready ({@link WarmUp}); zero for not at all
 */
public record KurirConfig(Optional<String> databaseUrl, String databaseUser, String databasePassword,
                          Path dataDir, String httpHost, int httpPort, int managementPort, String environment,
                          int databasePoolSize, int apiConcurrency, Optional<String> amqpUri, QueueType amqpQueueType, int amqpPrefetch, int amqpConsumers,
                          MessagingSettings messaging, Optional<String> adminToken, Duration retention,
                          Set<String> modules, Optional<URI> itemsUrl, Duration shutdownTimeout,
                          Duration orderDeadline, Duration databaseStartupWait, String serviceName,
                          Optional<String> traceUrl, Duration warmUp) {

    /** Every variable kurir reads; any other {@code KURIR_*} variable is probably a typo and is reported. */
    static final Set<String> VARIABLES = Set.of("KURIR_DB_URL", "KURIR_DB_USER", "KURIR_DB_PASSWORD",
            "KURIR_DATA_DIR", "KURIR_HTTP_HOST", "KURIR_HTTP_PORT", "KURIR_MANAGEMENT_PORT", "KURIR_ENVIRONMENT",
            "KURIR_DB_POOL_SIZE", "KURIR_API_CONCURRENCY", "KURIR_LOG_FORMAT", "KURIR_AMQP_URI", "KURIR_AMQP_QUEUE_TYPE", "KURIR_AMQP_PREFETCH", "KURIR_AMQP_CONSUMERS",
            "KURIR_OUTBOX_WORKERS", "KURIR_OUTBOX_BATCH_SIZE", "KURIR_INBOX_WORKERS", "KURIR_INBOX_BATCH_SIZE",
            "KURIR_POLL_INTERVAL", "KURIR_MAX_RETRIES",
            "KURIR_RETRY_BACKOFF", "KURIR_LEASE_TIMEOUT", "KURIR_JAVA_OPTS", "KURIR_ADMIN_TOKEN", "KURIR_RETENTION", "KURIR_MODULES", "KURIR_ITEMS_URL",
            "KURIR_OTEL_AGENT", "KURIR_SHUTDOWN_TIMEOUT", "KURIR_ORDER_DEADLINE", "KURIR_DB_STARTUP_WAIT",
            "KURIR_TRACE_URL", "KURIR_WARMUP");
    /** How long a relay waits for the broker's confirms of a batch before it counts the broker as away. */
    static final Duration CONFIRM_TIMEOUT = Duration.ofSeconds(10);
    /**
     * A lease must outlast a batch whose confirms come late, with room for its claim and settle: otherwise another
     * worker claims the rows while they are still in flight and publishes them a second time.
     */
    private static final Duration MIN_LEASE = CONFIRM_TIMEOUT.multipliedBy(2);
    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");
    private static final int MIN_ADMIN_TOKEN_LENGTH = 16;
    private static final Pattern ENVIRONMENT = Pattern.compile("[a-z0-9][a-z0-9_-]{0,31}");

    /** @throws ConfigException naming the first variable whose value cannot be used */
    public static KurirConfig from(Map<String, String> env) {
        Optional<String> url = optional(env, "KURIR_DB_URL");
        url.ifPresent(value -> {
            if (!value.startsWith("jdbc:postgresql://")) {
                // Not repeated: the URL may hold a password.
                throw new ConfigException("KURIR_DB_URL", "must start with jdbc:postgresql:// (a PostgreSQL JDBC URL "
                        + "such as jdbc:postgresql://127.0.0.1:5432/kurir)");
            }
            // The driver logs a URL it cannot parse as it is, password and all, on the JVM's own logger.
            String address = value.substring("jdbc:postgresql://".length()).split("\\?", 2)[0];
            if (address.chars().filter(c -> c == '/').count() != 1) {
                throw new ConfigException("KURIR_DB_URL", "must be jdbc:postgresql://host[:port]/database[?parameters] "
                        + "(one '/' between the host part and the database)");
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
        Optional<String> amqpUri = optional(env, "KURIR_AMQP_URI");
        amqpUri.ifPresent(value -> {
            if (!value.startsWith("amqp://") && !value.startsWith("amqps://")) {
                // Not repeated: the URI may hold a password.
                throw new ConfigException("KURIR_AMQP_URI", "must start with amqp:// or amqps:// (an AMQP URI such as "
                        + "amqp://guest:guest@127.0.0.1:5672/)");
            }
        });
        MessagingSettings messaging = new MessagingSettings(
                integer(env, "KURIR_OUTBOX_WORKERS", 3, 1, 32),
                integer(env, "KURIR_INBOX_WORKERS", 3, 1, 32),
                integer(env, "KURIR_OUTBOX_BATCH_SIZE", 1000, 1, 10_000),
                integer(env, "KURIR_INBOX_BATCH_SIZE", 100, 1, 1000),
                duration(env, "KURIR_POLL_INTERVAL", Duration.ofSeconds(1)),
                integer(env, "KURIR_MAX_RETRIES", 3, 0, 100),
                duration(env, "KURIR_RETRY_BACKOFF", Duration.ofSeconds(1)),
                lease(env));
        Optional<String> adminToken = optional(env, "KURIR_ADMIN_TOKEN");
        adminToken.ifPresent(token -> {
            if (token.length() < MIN_ADMIN_TOKEN_LENGTH) {
                throw new ConfigException("KURIR_ADMIN_TOKEN", "must be at least " + MIN_ADMIN_TOKEN_LENGTH
                        + " characters (e.g. openssl rand -hex 24)");
            }
        });
        Set<String> modules = modules(env);
        Optional<URI> itemsUrl = optional(env, "KURIR_ITEMS_URL").map(KurirConfig::httpUrl);
        if (modules.contains("orders") && !modules.contains("items") && itemsUrl.isEmpty()) {
            throw new ConfigException("KURIR_ITEMS_URL", "is required when KURIR_MODULES runs orders without items: "
                    + "the item service's base URL, e.g. http://127.0.0.1:8090");
        }
        int poolSize = integer(env, "KURIR_DB_POOL_SIZE", 10, 1, 200);
        // Half the pool by default: the other half stays for the relays and the inbox consumers. An order service
        // priced by a remote item service spends most of a request waiting on that call, holding no connection:
        // half the pool throttled it to the item service's latency (docs/reliability.md), so it gets the whole pool.
        boolean pricesRemotely = itemsUrl.isPresent() && !modules.contains("items");
        int apiConcurrency = integer(env, "KURIR_API_CONCURRENCY",
                pricesRemotely ? poolSize : Math.max(1, poolSize / 2), 1, poolSize);
        return new KurirConfig(url, optional(env, "KURIR_DB_USER").orElse("postgres"),
                optional(env, "KURIR_DB_PASSWORD").orElse(""), dataDir,
                optional(env, "KURIR_HTTP_HOST").orElse("0.0.0.0"), httpPort, managementPort, environment,
                poolSize, apiConcurrency, amqpUri, queueType(env),
                integer(env, "KURIR_AMQP_PREFETCH", 100, 1, 10_000),
                integer(env, "KURIR_AMQP_CONSUMERS", 4, 1, 64), messaging, adminToken,
                duration(env, "KURIR_RETENTION", Duration.ofDays(7)), modules, itemsUrl,
                duration(env, "KURIR_SHUTDOWN_TIMEOUT", Duration.ofSeconds(20)),
                orderDeadline(env), duration(env, "KURIR_DB_STARTUP_WAIT", Duration.ofMinutes(2)),
                optional(env, "OTEL_SERVICE_NAME").orElse("kurir"), traceUrl(env), warmUp(env));
    }

    /** The console's link to a trace viewer: an http(s) URL with {@code {traceId}} in it. */
    private static Optional<String> traceUrl(Map<String, String> env) {
        Optional<String> template = optional(env, "KURIR_TRACE_URL");
        template.ifPresent(value -> {
            if (!value.contains("{traceId}") || !(value.startsWith("http://") || value.startsWith("https://"))) {
                throw new ConfigException("KURIR_TRACE_URL", "must be an http(s) URL with {traceId} in it, such as "
                        + "http://localhost:16686/trace/{traceId}");
            }
        });
        return template;
    }

    /**
     * None by default: a developer's start should be quick; the image, which deployments start, sets 10s. At most a
     * minute: a warm-up is worth seconds, and the start waits for it.
     */
    private static Duration warmUp(Map<String, String> env) {
        Duration warmUp = optional(env, "KURIR_WARMUP").map(value -> parseDuration("KURIR_WARMUP", value))
                .orElse(Duration.ZERO);
        if (warmUp.compareTo(Duration.ofMinutes(1)) > 0) {
            throw new ConfigException("KURIR_WARMUP", "must be at most 1m, was " + warmUp.toSeconds() + "s");
        }
        return warmUp;
    }

    /** At least a second: shorter, and the deadline would cancel orders the saga is still deciding. */
    private static Duration orderDeadline(Map<String, String> env) {
        Duration deadline = duration(env, "KURIR_ORDER_DEADLINE", Duration.ofMinutes(5));
        if (deadline.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new ConfigException("KURIR_ORDER_DEADLINE", "must be at least 1s, was " + deadline.toMillis() + "ms");
        }
        return deadline;
    }

    /** {@code quorum} (the default: replicated, what RabbitMQ recommends for durable queues) or {@code classic}. */
    private static QueueType queueType(Map<String, String> env) {
        String value = optional(env, "KURIR_AMQP_QUEUE_TYPE").orElse("quorum");
        return switch (value) {
            case "quorum" -> QueueType.QUORUM;
            case "classic" -> QueueType.CLASSIC;
            default -> throw new ConfigException("KURIR_AMQP_QUEUE_TYPE", "must be quorum or classic, was " + value);
        };
    }

    /** Names of {@link KurirModules#ALL}, comma-separated; all of them by default ({@code orders,items}). */
    private static Set<String> modules(Map<String, String> env) {
        List<String> known = KurirModules.ALL.stream().map(ModuleDescriptor::name).toList();
        String value = optional(env, "KURIR_MODULES").orElse(String.join(",", known));
        Set<String> modules = new TreeSet<>();
        for (String module : value.split(",")) {
            String name = module.trim();
            if (!known.contains(name)) {
                throw new ConfigException("KURIR_MODULES", "must list some of " + String.join(", ", known)
                        + ", comma-separated, was " + value);
            }
            modules.add(name);
        }
        return Set.copyOf(modules);
    }

    private static URI httpUrl(String value) {
        try {
            URI uri = new URI(value);
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        // Not repeated: the URL may hold credentials.
        throw new ConfigException("KURIR_ITEMS_URL", "must be an http(s) URL with a host, such as http://127.0.0.1:8090");
    }

    private static Duration lease(Map<String, String> env) {
        Duration lease = duration(env, "KURIR_LEASE_TIMEOUT", Duration.ofSeconds(30));
        if (lease.compareTo(MIN_LEASE) < 0) {
            throw new ConfigException("KURIR_LEASE_TIMEOUT", "must be at least " + MIN_LEASE.toSeconds() + "s, twice "
                    + "the relay's " + CONFIRM_TIMEOUT.toSeconds() + "s wait for publisher confirms (a shorter lease "
                    + "lets another worker publish a batch again while it is still in flight), was "
                    + env.get("KURIR_LEASE_TIMEOUT"));
        }
        return lease;
    }

    /** {@code 500ms}, {@code 1s}, {@code 2m}, {@code 12h}, {@code 7d}; at least one millisecond. */
    private static Duration duration(Map<String, String> env, String name, Duration fallback) {
        Optional<String> value = optional(env, name);
        if (value.isEmpty()) {
            return fallback;
        }
        Duration parsed = parseDuration(name, value.get());
        if (parsed.isZero()) {
            throw new ConfigException(name, "must be a positive duration such as 500ms, 1s, 2m, 12h or 7d, was "
                    + value.get());
        }
        return parsed;
    }

    /** A duration such as 500ms, 1s, 2m, 12h or 7d; zero too ({@code 0s}), which most variables then refuse. */
    private static Duration parseDuration(String name, String value) {
        var matcher = DURATION.matcher(value);
        if (!matcher.matches()) {
            throw new ConfigException(name, "must be a positive duration such as 500ms, 1s, 2m, 12h or 7d, was "
                    + value);
        }
        long amount = Long.parseLong(matcher.group(1));
        return switch (matcher.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
        };
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
        return "KurirConfig[database=" + databaseUrl.map(Redaction::jdbcUrl).orElse("embedded in " + dataDir)
                + ", user=" + databaseUser
                + ", http=" + httpHost + ":" + httpPort + ", management=" + managementPort
                + ", environment=" + environment + ", pool=" + databasePoolSize + ", api_concurrency=" + apiConcurrency
                + ", broker=" + amqpUri.map(RabbitConnections::describe).orElse("embedded")
                + ", queue_type=" + amqpQueueType.name().toLowerCase(Locale.ROOT) + ", " + messaging
                + ", admin=" + (adminToken.isPresent() ? "on" : "off") + ", retention=" + retention
                + ", order_deadline=" + orderDeadline + ", warm_up=" + warmUp
                + ", modules=" + new TreeSet<>(modules) + itemsUrl.map(u -> ", items=" + Redaction.httpUrl(u)).orElse("")
                + "]";
    }
}
