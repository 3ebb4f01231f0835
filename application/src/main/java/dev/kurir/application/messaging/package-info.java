/**
 * The outbox relay and the inbox workers: how events leave a module after its transaction commits and enter the
 * other exactly once. Technology-free; they report what they do through {@link MessagingListener}.
 */
package dev.kurir.application.messaging;
