package dev.kurir.domain.shared;

/** Something that happened in a module and that other modules may learn of through the outbox. */
public interface DomainEvent {
}
