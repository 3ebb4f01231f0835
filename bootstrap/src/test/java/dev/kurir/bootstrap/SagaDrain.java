package dev.kurir.bootstrap;

import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;

/**
 * Whether the saga has nothing left to do: no row of any of its tables PENDING, and RabbitMQ holding no message for
 * kurir (ready or unacknowledged; the dead-letter queue aside). Counts the local RabbitMQ's queues with
 * {@code rabbitmqctl}, so it needs one (the callers check {@code TestBroker.canRestart()} first).
 */
final class SagaDrain {
    private final Jdbi ordersDb;
    private final Jdbi itemsDb;
    private final String vhost;

    /** @param ordersDb the orders module's database; {@code itemsDb} the items module's (the same for a monolith) */
    SagaDrain(Jdbi ordersDb, Jdbi itemsDb, String amqpUri) {
        this.ordersDb = ordersDb;
        this.itemsDb = itemsDb;
        this.vhost = URLDecoder.decode(URI.create(amqpUri).getRawPath().substring(1), StandardCharsets.UTF_8);
    }

    /** Waits until drained; returns how long that took, or empty if it did not happen within {@code timeout}. */
    Optional<Duration> await(Duration timeout) {
        Instant from = Instant.now();
        Instant deadline = from.plus(timeout);
        while (pendingRows() != 0 || queuedMessages() != 0) {
            if (Instant.now().isAfter(deadline)) {
                return Optional.empty();
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        return Optional.of(Duration.between(from, Instant.now()));
    }

    /** What is left, for a failure message. */
    String left() {
        return pendingRows() + " row(s) PENDING, " + queuedMessages() + " message(s) queued";
    }

    long pendingRows() {
        return ordersDb.withHandle(h -> h.createQuery("""
                SELECT (SELECT count(*) FROM orders.orders WHERE status = 'PENDING')
                     + (SELECT count(*) FROM orders.outbox WHERE status = 'PENDING')
                     + (SELECT count(*) FROM orders.inbox WHERE status = 'PENDING')""").mapTo(Long.class).one())
                + itemsDb.withHandle(h -> h.createQuery("""
                SELECT (SELECT count(*) FROM items.inbox WHERE status = 'PENDING')
                     + (SELECT count(*) FROM items.outbox WHERE status = 'PENDING')""").mapTo(Long.class).one());
    }

    long queuedMessages() {
        String listing = run("rabbitmqctl", "-q", "list_queues", "-p", vhost, "--no-table-headers", "name", "messages");
        return listing.lines().map(line -> line.trim().split("\\s+"))
                .filter(columns -> columns.length == 2 && !columns[0].equals("kurir.dead-letter"))
                .mapToLong(columns -> Long.parseLong(columns[1])).sum();
    }

    private static String run(String... command) {
        try {
            Path output = Files.createTempFile("kurir-drain-", ".out");
            try {
                Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile())
                        .start();
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new IllegalStateException(String.join(" ", command) + " timed out");
                }
                String text = Files.readString(output);
                if (process.exitValue() != 0) {
                    throw new IllegalStateException(String.join(" ", command) + " exited with " + process.exitValue()
                            + ": " + text.strip());
                }
                return text;
            } finally {
                Files.deleteIfExists(output);
            }
        } catch (IOException e) {
            throw new IllegalStateException("could not run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
