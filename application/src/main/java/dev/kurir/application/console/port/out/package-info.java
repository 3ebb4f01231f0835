/** What the operator console reads: the saga of an order and counts across the modules this process runs. */
package dev.kurir.application.console.port.out;
