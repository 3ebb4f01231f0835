/** The few values both business modules truly need. Nothing module-specific belongs here. */
package dev.kurir.domain.shared;
