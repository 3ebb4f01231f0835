/** What the outbox relay and the inbox workers need from the outside: the broker and the message tables. */
package dev.kurir.application.messaging.port.out;
