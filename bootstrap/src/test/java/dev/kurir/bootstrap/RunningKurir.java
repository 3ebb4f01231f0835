package dev.kurir.bootstrap;

import dev.kurir.testing.TestBroker;
import dev.kurir.testing.TestDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;

/** kurir started in this JVM on a database and a broker of its own, on free ports of 127.0.0.1. */
final class RunningKurir implements AutoCloseable {
    private final TestDatabase database;
    private final TestBroker broker;
    private final Kurir kurir;

    private RunningKurir(TestDatabase database, TestBroker broker, Kurir kurir) {
        this.database = database;
        this.broker = broker;
        this.kurir = kurir;
    }

    /** @param env configuration on top of the database, broker, ports and data directory */
    static RunningKurir start(Map<String, String> env) {
        TestDatabase database = TestDatabase.create();
        TestBroker broker = TestBroker.create();
        try {
            Map<String, String> all = new HashMap<>(env);
            all.putAll(environment(database, broker));
            return new RunningKurir(database, broker, Kurir.start(KurirConfig.from(all)));
        } catch (RuntimeException e) {
            broker.close();
            database.close();
            throw e;
        }
    }

    /**
     * The settings that put a kurir on {@code database} and {@code broker}, on free ports of 127.0.0.1, with a data
     * directory of its own; a mutable map.
     */
    static Map<String, String> environment(TestDatabase database, TestBroker broker) {
        Map<String, String> env = new HashMap<>();
        env.put("KURIR_DB_URL", database.jdbcUrl());
        env.put("KURIR_DB_USER", database.user());
        env.put("KURIR_DB_PASSWORD", database.password());
        env.put("KURIR_AMQP_URI", broker.amqpUri());
        env.put("KURIR_HTTP_PORT", "0");
        env.put("KURIR_MANAGEMENT_PORT", "0");
        env.put("KURIR_HTTP_HOST", "127.0.0.1");
        try {
            env.put("KURIR_DATA_DIR", Files.createTempDirectory("kurir-it").toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return env;
    }

    HttpClientSupport api() {
        return new HttpClientSupport(kurir.apiPort());
    }

    int apiPort() {
        return kurir.apiPort();
    }

    int managementPort() {
        return kurir.managementPort();
    }

    Jdbi jdbi() {
        return Jdbi.create(database.dataSource());
    }

    @Override
    public void close() {
        kurir.close();
        broker.close();
        database.close();
    }
}
