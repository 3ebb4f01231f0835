/** Items, their prices and stock. Knows nothing of the orders module. */
package dev.kurir.domain.items;
