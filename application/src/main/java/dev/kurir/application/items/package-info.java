/** The items module's composition factory. Its use cases live in the unexported {@code usecase} package. */
package dev.kurir.application.items;
