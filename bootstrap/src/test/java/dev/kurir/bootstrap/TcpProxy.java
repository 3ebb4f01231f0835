package dev.kurir.bootstrap;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP forwarder on 127.0.0.1, between a process and what it talks to: to one backend, a link that the test can cut
 * (a replica losing RabbitMQ alone); to several, a load balancer that sends each new connection to the next backend
 * that accepts it (the item services behind one {@code KURIR_ITEMS_URL}). Bytes are passed on as they come; when
 * either side closes, both do.
 */
final class TcpProxy implements AutoCloseable {
    private static final int CONNECT_TIMEOUT_MILLIS = 2_000;

    private final List<Integer> backends;
    private final int port;
    private final AtomicInteger next = new AtomicInteger();
    /** Both sockets of every open connection; guarded by {@code this}, as are the two fields below. */
    private final List<Socket> connections = new ArrayList<>();
    private ServerSocket listener;
    private boolean closed;

    private TcpProxy(List<Integer> backends) throws IOException {
        this.backends = List.copyOf(backends);
        this.listener = listen(0);
        this.port = listener.getLocalPort();
        acceptOn(listener);
    }

    /** A proxy to the given ports of 127.0.0.1, listening on a free port of its own. */
    static TcpProxy to(List<Integer> backendPorts) {
        try {
            return new TcpProxy(backendPorts);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    int port() {
        return port;
    }

    /**
     * Closes every connection and refuses new ones (nothing listens on the port) for {@code duration}, then listens
     * again on the same port. Returns when it listens again.
     */
    void cut(Duration duration) throws InterruptedException {
        synchronized (this) {
            closeQuietly(listener);
            connections.forEach(TcpProxy::closeQuietly);
            connections.clear();
        }
        Thread.sleep(duration);
        synchronized (this) {
            if (closed) {
                return;
            }
            try {
                listener = listen(port);
            } catch (IOException e) {
                throw new UncheckedIOException("could not listen on port " + port + " again", e);
            }
            acceptOn(listener);
        }
    }

    private static ServerSocket listen(int port) throws IOException {
        ServerSocket socket = new ServerSocket();
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        return socket;
    }

    private void acceptOn(ServerSocket socket) {
        Thread.ofVirtual().name("tcp-proxy-" + port).start(() -> {
            while (!socket.isClosed()) {
                try {
                    Socket client = socket.accept();
                    Thread.ofVirtual().start(() -> forward(client));
                } catch (IOException closedOrFailed) {
                    // closed by cut() or close(); a failed accept is retried while the socket is open
                }
            }
        });
    }

    private void forward(Socket client) {
        Socket backend = connectToABackend();
        synchronized (this) {
            if (backend == null || closed || listener.isClosed()) {
                closeQuietly(client);
                closeQuietly(backend);
                return;
            }
            connections.add(client);
            connections.add(backend);
        }
        Thread.ofVirtual().start(() -> pump(client, backend));
        pump(backend, client);
    }

    /** The next backend that accepts a connection, starting after the one the previous connection got; or null. */
    private Socket connectToABackend() {
        int first = next.getAndIncrement();
        for (int i = 0; i < backends.size(); i++) {
            int backendPort = backends.get(Math.floorMod(first + i, backends.size()));
            Socket socket = new Socket();
            try {
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), backendPort),
                        CONNECT_TIMEOUT_MILLIS);
                return socket;
            } catch (IOException refused) {
                closeQuietly(socket);
            }
        }
        return null;
    }

    private void pump(Socket from, Socket to) {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            for (int read; (read = in.read(buffer)) >= 0; ) {
                out.write(buffer, 0, read);
                out.flush();
            }
        } catch (IOException closed) {
            // one side went away: the other is closed below
        } finally {
            synchronized (this) {
                connections.remove(from);
                connections.remove(to);
            }
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception ignored) {
            // closing is all that is left to do
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        closeQuietly(listener);
        connections.forEach(TcpProxy::closeQuietly);
        connections.clear();
    }
}
