package dev.kurir.archfixture.application.orders.usecase;

import dev.kurir.archfixture.application.orders.port.in.FixtureUseCase;

/** Violates: use-case implementations are not public. */
public class FixturePublicService implements FixtureUseCase {
    @Override
    public void run() {
    }
}
