/** Reaching the items service over HTTP: one of the two places that know how orders reaches items. */
package dev.kurir.adapters.catalog;
