package dev.kurir.adapters.rabbitmq;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;

/**
 * A TCP proxy in front of the broker that can hold back what the broker sends, as a stalled network or broker
 * would: the client's frames still reach the broker, but its answers (confirms among them) wait while held.
 */
final class StallingProxy implements AutoCloseable {
    private final ServerSocket server;
    private final String brokerHost;
    private final int brokerPort;
    private volatile boolean holding;

    private StallingProxy(ServerSocket server, String brokerHost, int brokerPort) {
        this.server = server;
        this.brokerHost = brokerHost;
        this.brokerPort = brokerPort;
    }

    /** Starts a proxy on a free port of 127.0.0.1 in front of the broker of {@code amqpUri}. */
    static StallingProxy startFor(String amqpUri) throws IOException {
        URI uri = URI.create(amqpUri);
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        StallingProxy proxy = new StallingProxy(server, uri.getHost(), uri.getPort() < 0 ? 5672 : uri.getPort());
        Thread.ofVirtual().name("stalling-proxy-accept").start(proxy::accept);
        return proxy;
    }

    /** {@code amqpUri} with its host and port replaced by this proxy's. */
    String uriThrough(String amqpUri) {
        URI uri = URI.create(amqpUri);
        String userInfo = uri.getRawUserInfo() == null ? "" : uri.getRawUserInfo() + "@";
        return uri.getScheme() + "://" + userInfo + "127.0.0.1:" + server.getLocalPort() + uri.getRawPath();
    }

    /** From now on the broker's bytes wait in the proxy, on every connection. */
    void hold() {
        holding = true;
    }

    /** The broker's bytes flow again. */
    void release() {
        holding = false;
    }

    @Override
    public void close() throws IOException {
        server.close();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket broker = new Socket(brokerHost, brokerPort);
                Thread.ofVirtual().start(() -> pump(client, broker, false));
                Thread.ofVirtual().start(() -> pump(broker, client, true));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void pump(Socket from, Socket to, boolean fromBroker) {
        byte[] buffer = new byte[8192];
        try (from; to) {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            for (int read; (read = in.read(buffer)) >= 0; ) {
                while (fromBroker && holding && !to.isClosed()) {
                    Thread.sleep(10);
                }
                out.write(buffer, 0, read);
                out.flush();
            }
        } catch (IOException | InterruptedException e) {
            // One side went away: closing both (try-with-resources) ends the other pump too.
        }
    }
}
