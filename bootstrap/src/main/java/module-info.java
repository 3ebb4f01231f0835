/**
 * Start-up: configuration, the database (external or embedded), migrations, and the hand wiring of every module
 * and adapter. Reading {@code Kurir} tells the whole system. Flyway and the embedded PostgreSQL are automatic
 * modules without a stable name, so only this module requires them.
 */
module dev.kurir.bootstrap {
    requires dev.kurir.application;
    requires dev.kurir.observability;
    requires dev.kurir.adapters.postgres;
    requires dev.kurir.adapters.http;
    requires dev.kurir.adapters.inprocess;
    requires dev.kurir.adapters.catalog;
    requires dev.kurir.adapters.rabbitmq;
    requires com.rabbitmq.client;
    // Qpid has split packages and stays on the class path; this jar only names it, with no Qpid type in its API.
    requires dev.kurir.embedded.broker;
    requires org.jdbi.v3.core;
    requires com.zaxxer.hikari;
    requires flyway.core;
    requires embedded.postgres;
    requires org.slf4j;
    requires java.sql;
    requires java.net.http;
}
