/**
 * The integration events between orders and items: one record per event with its wire name and major version.
 * The only types the two modules share; they depend on nothing but the JDK, so that either module can leave the
 * process with this package as its whole contract. Fields are written on the wire in snake_case (the codec in
 * {@code messaging.handler} does that); the JSON Schema of each event is {@code docs/events/<name>.v<version>.json}.
 */
package dev.kurir.application.contracts;
