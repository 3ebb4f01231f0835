package dev.kurir.adapters.http;

import io.javalin.config.RoutesConfig;

/** The routes of one business module; bootstrap registers those of the modules this process runs. */
@FunctionalInterface
public interface RouteGroup {
    void register(RoutesConfig routes);
}
