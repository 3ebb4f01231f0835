package dev.kurir.observability.health;

import java.util.Objects;

/**
 * One dependency the service needs to be ready, e.g. {@code postgresql}.
 *
 * @param name  how the dependency is named in the readiness report
 * @param probe throws when the dependency cannot be used; it must return or fail within a few seconds
 */
public record HealthCheck(String name, Probe probe) {

    public HealthCheck {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(probe, "probe");
    }

    /** Checks the dependency once. */
    @FunctionalInterface
    public interface Probe {
        /** @throws Exception whatever tells why the dependency is not usable */
        void check() throws Exception;
    }
}
