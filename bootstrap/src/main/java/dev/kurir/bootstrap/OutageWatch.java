package dev.kurir.bootstrap;

import dev.kurir.application.messaging.MessagingListener;

/** Tells {@code onOutage} whenever a module's relay finds the broker away, e.g. to hold the saga deadline back. */
record OutageWatch(String module, Runnable onOutage) implements MessagingListener {

    @Override
    public void brokerUnavailable(String module, String workerId, String reason) {
        if (this.module.equals(module)) {
            onOutage.run();
        }
    }
}
