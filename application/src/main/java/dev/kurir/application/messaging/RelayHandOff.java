package dev.kurir.application.messaging;

import dev.kurir.application.messaging.port.out.OutboundMessage;
import java.util.Optional;

/**
 * What the outbox writer of a module tells its relay in the same process: a row can be handed to the relay as it
 * commits, so that no worker has to claim it from the table first. Such a row is written already leased to the
 * relay; if the process dies before publishing it, the lease runs out and any relay claims it as usual.
 */
public interface RelayHandOff {

    /**
     * The lease owner to write into a new row that will be handed over after its commit, or empty when the relay
     * holds enough handed-over rows already: then write the row unleased, and a worker claims it from the table.
     */
    Optional<String> leaseOwner();

    /** Hands over a committed row written with {@link #leaseOwner()}; call it after the commit. */
    void committed(OutboundMessage message);

    /** Tells the relay that unleased rows were committed: a worker claims them at once. */
    void wakeUp();
}
