package dev.kurir.bootstrap;

import dev.kurir.application.messaging.MessagingListener;
import dev.kurir.application.messaging.port.out.OutboundMessage;

/**
 * Tells {@code onOutage} whenever a module's relay finds the broker away or a route to its queue missing (either
 * holds the module's messages back), e.g. to hold the saga deadline back.
 */
record OutageWatch(String module, Runnable onOutage) implements MessagingListener {

    @Override
    public void brokerUnavailable(String module, String workerId, String reason) {
        if (this.module.equals(module)) {
            onOutage.run();
        }
    }

    @Override
    public void publishUnroutable(String module, String workerId, OutboundMessage message, String reason) {
        if (this.module.equals(module)) {
            onOutage.run();
        }
    }
}
