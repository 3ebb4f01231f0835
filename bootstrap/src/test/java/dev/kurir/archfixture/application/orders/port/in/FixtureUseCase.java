package dev.kurir.archfixture.application.orders.port.in;

/** An inbound port of the fixture tree. */
public interface FixtureUseCase {
    void run();
}
