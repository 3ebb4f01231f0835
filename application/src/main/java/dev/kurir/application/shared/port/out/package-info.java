/** Ports both business modules use: the unit of work and the outbox. */
package dev.kurir.application.shared.port.out;
