package dev.kurir.bootstrap;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops kurir's parts in an order that loses nothing: no new requests first, then no new publishing, then the
 * consumers (each finishes the delivery it holds), the inbox workers (each finishes its message), the broker
 * connections, and last the broker and the database that everything else used.
 */
final class Shutdown {
    private static final Logger log = LoggerFactory.getLogger(Shutdown.class);

    /** In closing order. */
    enum Phase { HTTP, RELAYS, DRAIN, CONSUMERS, INBOX, CONNECTIONS, INFRASTRUCTURE }

    private final Map<Phase, List<AutoCloseable>> parts = new EnumMap<>(Phase.class);

    /** Registers a started part; within a phase, parts close in the reverse order of registration. */
    <T extends AutoCloseable> T add(Phase phase, T part) {
        parts.computeIfAbsent(phase, p -> new ArrayList<>()).add(part);
        return part;
    }

    /** Closes everything registered, phase by phase; a part that fails to close does not stop the others. */
    void closeAll() {
        for (Phase phase : Phase.values()) {
            List<AutoCloseable> inPhase = parts.getOrDefault(phase, List.of());
            for (int i = inPhase.size() - 1; i >= 0; i--) {
                try {
                    inPhase.get(i).close();
                } catch (Exception e) {
                    log.warn("error while stopping {} ({})", inPhase.get(i).getClass().getSimpleName(), phase, e);
                }
            }
        }
        parts.clear();
    }
}
