package dev.kurir.application.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kurir.application.messaging.port.out.OutboundMessage;
import dev.kurir.application.messaging.port.out.OutboxRows;
import dev.kurir.application.shared.port.out.OutgoingMessage;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The outbox writer's decisions: lease a row to this process's relay or not, and tell the relay after the commit. */
class RelayingOutboxTest {
    private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    private final InMemoryUnitOfWork unitOfWork = new InMemoryUnitOfWork();
    private final RecordingRows rows = new RecordingRows();

    @Test
    void append_whenTheRelayOffersALease_writesTheRowLeased_andHandsItOverAfterTheCommit() {
        RecordingRelay relay = new RecordingRelay(Optional.of("orders-relay"));
        RelayingOutbox outbox = new RelayingOutbox(rows, unitOfWork, relay, MessagingTracing.reporting(TRACEPARENT));

        unitOfWork.inTransaction(() -> {
            outbox.append(message());
            assertTrue(relay.committed.isEmpty(), "nothing is handed over before the commit");
            return null;
        });

        assertEquals(List.of("orders-relay"), rows.leaseOwners);
        assertEquals(List.of(TRACEPARENT), rows.traceparents, "the row keeps the trace it was written in");
        assertEquals(rows.inserted, relay.committed);
        assertEquals(0, relay.wakeUps.get());
    }

    @Test
    void append_whenTheRelayIsFull_writesTheRowUnleased_andWakesTheRelayAfterTheCommit() {
        RecordingRelay relay = new RecordingRelay(Optional.empty());
        RelayingOutbox outbox = new RelayingOutbox(rows, unitOfWork, relay, MessagingTracing.NONE);

        unitOfWork.inTransaction(() -> {
            outbox.append(message());
            assertEquals(0, relay.wakeUps.get(), "no wake-up before the commit");
            return null;
        });

        assertEquals(1, rows.leaseOwners.size());
        assertNull(rows.leaseOwners.get(0));
        assertNull(rows.traceparents.get(0), "no trace is current");
        assertTrue(relay.committed.isEmpty());
        assertEquals(1, relay.wakeUps.get());
    }

    @Test
    void append_inATransactionThatRollsBack_tellsTheRelayNothing() {
        RecordingRelay relay = new RecordingRelay(Optional.of("orders-relay"));
        RelayingOutbox outbox = new RelayingOutbox(rows, unitOfWork, relay, MessagingTracing.NONE);

        assertThrows(IllegalStateException.class, () -> unitOfWork.inTransaction(() -> {
            outbox.append(message());
            throw new IllegalStateException("the business change failed");
        }));

        assertTrue(relay.committed.isEmpty());
        assertEquals(0, relay.wakeUps.get());
    }

    @Test
    void append_outsideATransaction_isRefused() {
        RelayingOutbox outbox = new RelayingOutbox(rows, unitOfWork, new RecordingRelay(Optional.empty()),
                MessagingTracing.NONE);

        assertThrows(IllegalStateException.class, () -> outbox.append(message()));
    }

    private static OutgoingMessage message() {
        return new OutgoingMessage(UUID.randomUUID(), "order.created", 1, "orders", "order.created",
                Map.of("order_id", "o-1"));
    }

    /** Rows as inserted; the insert happens at once, as the database's does inside the transaction. */
    private static final class RecordingRows implements OutboxRows {
        final List<OutboundMessage> inserted = new CopyOnWriteArrayList<>();
        final List<String> leaseOwners = new CopyOnWriteArrayList<>();
        final List<String> traceparents = new CopyOnWriteArrayList<>();

        @Override
        public OutboundMessage insert(OutgoingMessage message, String traceparent, String leaseOwner) {
            OutboundMessage row = new OutboundMessage(inserted.size() + 1, message.messageId(), message.eventType(),
                    message.eventVersion(), message.exchange(), message.routingKey(), "{}", 0, Instant.EPOCH, traceparent);
            inserted.add(row);
            leaseOwners.add(leaseOwner);
            traceparents.add(traceparent);
            return row;
        }
    }

    private static final class RecordingRelay implements RelayHandOff {
        private final Optional<String> leaseOwner;
        final List<OutboundMessage> committed = new CopyOnWriteArrayList<>();
        final AtomicInteger wakeUps = new AtomicInteger();

        RecordingRelay(Optional<String> leaseOwner) {
            this.leaseOwner = leaseOwner;
        }

        @Override
        public Optional<String> leaseOwner() {
            return leaseOwner;
        }

        @Override
        public void committed(OutboundMessage message) {
            committed.add(message);
        }

        @Override
        public void wakeUp() {
            wakeUps.incrementAndGet();
        }
    }
}
