/** HTTP adapters: the API's route groups, the health endpoints, and the server that hosts them. */
package dev.kurir.adapters.http;
