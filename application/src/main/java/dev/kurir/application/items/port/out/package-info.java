/** What the items module needs from the outside: storage. */
package dev.kurir.application.items.port.out;
