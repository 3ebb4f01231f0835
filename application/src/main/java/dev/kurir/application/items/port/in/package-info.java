/** What the items module offers: one interface per use case, with its command and views. */
package dev.kurir.application.items.port.in;
