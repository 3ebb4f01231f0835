package dev.kurir.domain.shared;

/** A request breaks a business rule, e.g. not enough stock. The message says which rule, for the caller. */
public class DomainRuleViolation extends RuntimeException {
    public DomainRuleViolation(String message) {
        super(message);
    }
}
