package dev.kurir.adapters.rabbitmq;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Objects;

/**
 * Connection factories for kurir's publisher and consumers.
 *
 * <p>Automatic recovery is off for both. The publisher reconnects lazily on its next call. The consumer runs its
 * own reconnect loop rather than the client's recovery, because that recovery does not cover the first connect
 * (the broker may be down when kurir starts), nor a consumer channel the broker closed while the connection
 * stayed up (e.g. its queue deleted), and a consumer whose recovery gave up silently stops consuming. One explicit
 * loop covers all three and re-declares the topology each time, which an embedded broker that lost its memory
 * needs.
 */
public final class RabbitConnections {
    private static final int CONNECTION_TIMEOUT_MILLIS = 5_000;
    private static final int HANDSHAKE_TIMEOUT_MILLIS = 5_000;
    private static final int HEARTBEAT_SECONDS = 10;
    // The client's default is 10 minutes: a declaration or confirmSelect the broker never answers would stall a
    // relay worker for that long.
    private static final int CHANNEL_RPC_TIMEOUT_MILLIS = 10_000;

    private RabbitConnections() {
    }

    /**
     * A factory for {@code amqp://user:password@host:port/vhost} (the vhost percent-encoded, {@code %2F} for
     * {@code /}; an empty vhost, as in {@code amqp://host:5672/}, means {@code /}) whose connections show up in the broker as {@code connectionName}, with a 5 s connection timeout,
     * 10 s heartbeats and automatic recovery off.
     *
     * @throws IllegalArgumentException if the URI is invalid; the message never repeats the URI, which may hold a
     *                                  password
     */
    public static ConnectionFactory factory(String amqpUri, String connectionName) {
        Objects.requireNonNull(amqpUri, "amqpUri");
        Objects.requireNonNull(connectionName, "connectionName");
        ConnectionFactory factory = new ConnectionFactory();
        try {
            factory.setUri(amqpUri);
        } catch (URISyntaxException | GeneralSecurityException | IllegalArgumentException e) {
            // Not chained: the cause's message quotes the URI, password included.
            throw new IllegalArgumentException("invalid AMQP URI " + describe(amqpUri)
                    + "; expected amqp://user:password@host:port/vhost");
        }
        if (factory.getVirtualHost().isEmpty()) {
            // amqp://host:5672/ names the vhost "" by the URI spec, which RabbitMQ does not have: people mean "/".
            factory.setVirtualHost("/");
        }
        factory.setConnectionTimeout(CONNECTION_TIMEOUT_MILLIS);
        factory.setHandshakeTimeout(HANDSHAKE_TIMEOUT_MILLIS);
        factory.setRequestedHeartbeat(HEARTBEAT_SECONDS);
        factory.setChannelRpcTimeout(CHANNEL_RPC_TIMEOUT_MILLIS);
        factory.setAutomaticRecoveryEnabled(false);
        factory.setTopologyRecoveryEnabled(false);
        factory.getClientProperties().put("connection_name", connectionName);
        return factory;
    }

    /**
     * The URI without its credentials, fit for logs and error messages: {@code amqp://host:port/vhost}. Everything up
     * to the last {@code @} is dropped before the URI is read, since a password may hold an unencoded {@code @},
     * {@code /} or {@code ?}.
     */
    public static String describe(String amqpUri) {
        try {
            int authority = amqpUri.indexOf("://");
            int at = amqpUri.lastIndexOf('@');
            String withoutUserInfo = authority >= 0 && at > authority
                    ? amqpUri.substring(0, authority + 3) + amqpUri.substring(at + 1) : amqpUri;
            URI uri = new URI(withoutUserInfo);
            if (uri.getHost() == null) {
                return "(unparseable URI)";
            }
            String scheme = uri.getScheme() == null ? "amqp" : uri.getScheme();
            String port = uri.getPort() < 0 ? "" : ":" + uri.getPort();
            String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
            return scheme + "://" + uri.getHost() + port + path;
        } catch (URISyntaxException | RuntimeException e) {
            return "(unparseable URI)";
        }
    }

    /** Whether the broker at the other end is RabbitMQ, which names itself so; the embedded Qpid does not. */
    public static boolean isRabbitMq(Connection connection) {
        return "RabbitMQ".equals(String.valueOf(connection.getServerProperties().get("product")));
    }

    /** Where a factory's connections go, without credentials: {@code amqp://host:port/vhost}. */
    static String describe(ConnectionFactory factory) {
        return (factory.isSSL() ? "amqps" : "amqp") + "://" + factory.getHost() + ":" + factory.getPort() + "/"
                + URLEncoder.encode(factory.getVirtualHost(), StandardCharsets.UTF_8);
    }
}
