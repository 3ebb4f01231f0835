/** The orders module's item catalog over HTTP (java.net.http), used when items runs in another process. */
module dev.kurir.adapters.catalog {
    requires dev.kurir.application;
    requires java.net.http;
    requires com.fasterxml.jackson.databind;
    requires org.slf4j;

    exports dev.kurir.adapters.catalog;
}
