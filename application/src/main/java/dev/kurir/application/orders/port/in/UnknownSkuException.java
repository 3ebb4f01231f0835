package dev.kurir.application.orders.port.in;

import java.util.List;

/** The order names skus the catalog does not sell. */
public final class UnknownSkuException extends RuntimeException {
    private final List<String> skus;

    public UnknownSkuException(List<String> skus) {
        super("unknown sku: " + String.join(", ", skus));
        this.skus = List.copyOf(skus);
    }

    public List<String> skus() {
        return skus;
    }
}
