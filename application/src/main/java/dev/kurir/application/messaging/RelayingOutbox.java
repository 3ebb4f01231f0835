package dev.kurir.application.messaging;

import dev.kurir.application.messaging.port.out.OutboundMessage;
import dev.kurir.application.messaging.port.out.OutboxRows;
import dev.kurir.application.shared.port.out.OutgoingMessage;
import dev.kurir.application.shared.port.out.Outbox;
import dev.kurir.application.shared.port.out.UnitOfWork;
import java.util.Objects;
import java.util.Optional;

/**
 * The outbox a module's use cases write to. Each row keeps the trace context it was written in. A row is written
 * leased to this process's relay when the relay has room for it, and handed to the relay once committed; otherwise
 * the relay is woken after the commit and claims it from the table.
 */
public final class RelayingOutbox implements Outbox {
    private final OutboxRows rows;
    private final UnitOfWork unitOfWork;
    private final RelayHandOff relay;
    private final MessagingTracing tracing;

    public RelayingOutbox(OutboxRows rows, UnitOfWork unitOfWork, RelayHandOff relay, MessagingTracing tracing) {
        this.rows = Objects.requireNonNull(rows, "rows");
        this.unitOfWork = Objects.requireNonNull(unitOfWork, "unitOfWork");
        this.relay = Objects.requireNonNull(relay, "relay");
        this.tracing = Objects.requireNonNull(tracing, "tracing");
    }

    @Override
    public void append(OutgoingMessage message) {
        Optional<String> leaseOwner = relay.leaseOwner();
        OutboundMessage row = rows.insert(message, tracing.currentTraceparent(), leaseOwner.orElse(null));
        if (leaseOwner.isPresent()) {
            unitOfWork.afterCommit(() -> relay.committed(row));
        } else {
            unitOfWork.afterCommit(relay::wakeUp);
        }
    }
}
