/** Liveness and readiness: the dependencies a running kurir needs, checked on demand. */
package dev.kurir.observability.health;
