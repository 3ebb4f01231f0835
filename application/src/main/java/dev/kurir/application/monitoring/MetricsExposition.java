package dev.kurir.application.monitoring;

/** The service's metrics, written for a scraper in the format it asks for. */
public interface MetricsExposition {

    /** Scrapes now. {@code acceptHeader} may be null: the exposition's default format is used then. */
    Scrape scrape(String acceptHeader);

    /** One exposition: the body and the content type that names its format. */
    record Scrape(String contentType, byte[] body) {
    }
}
