/** What the orders module offers: one interface per use case, with its command and views. */
package dev.kurir.application.orders.port.in;
