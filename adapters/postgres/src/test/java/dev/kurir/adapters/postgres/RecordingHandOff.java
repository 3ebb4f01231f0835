package dev.kurir.adapters.postgres;

import dev.kurir.application.messaging.MessagingTracing;
import dev.kurir.application.messaging.RelayHandOff;
import dev.kurir.application.messaging.RelayingOutbox;
import dev.kurir.application.messaging.port.out.OutboundMessage;
import dev.kurir.application.shared.port.out.Outbox;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.jdbi.v3.core.Jdbi;

/** A relay's door that records what the outbox writer tells it; it offers a lease only when given an owner. */
final class RecordingHandOff implements RelayHandOff {
    private final Optional<String> leaseOwner;
    final List<OutboundMessage> committed = new CopyOnWriteArrayList<>();
    final AtomicInteger wakeUps = new AtomicInteger();

    private RecordingHandOff(Optional<String> leaseOwner) {
        this.leaseOwner = leaseOwner;
    }

    static RecordingHandOff leasingTo(String owner) {
        return new RecordingHandOff(Optional.of(owner));
    }

    static RecordingHandOff full() {
        return new RecordingHandOff(Optional.empty());
    }

    /** The orders outbox as kurir writes it: rows inserted by {@link JdbiOutboxRows}, handed to this relay. */
    Outbox ordersOutbox(Jdbi jdbi) {
        return new RelayingOutbox(new JdbiOutboxRows(jdbi, Schemas.ORDERS), new JdbiUnitOfWork(jdbi), this,
                MessagingTracing.NONE);
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
