/** The order aggregate and its rules. Knows nothing of the items module. */
package dev.kurir.domain.orders;
