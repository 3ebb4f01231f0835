/** What the messaging machinery offers the broker adapter: the inbox's door. */
package dev.kurir.application.messaging.port.in;
