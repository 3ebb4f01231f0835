/**
 * What the HTTP adapter needs of monitoring, as ports the observability adapter implements: the readiness probe,
 * a listener told of every answered request, and the metrics exposition. So no adapter depends on observability.
 */
package dev.kurir.application.monitoring;
