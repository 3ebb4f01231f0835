/** Structured log lines for what the relay and the inbox do. */
package dev.kurir.observability.logging;
