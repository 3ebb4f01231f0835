/** What the orders module needs from the outside: storage and the item catalog. */
package dev.kurir.application.orders.port.out;
