package dev.kurir.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A database of its own for one test class, dropped on {@link #close()}. It lives on the server named by
 * {@code KURIR_TEST_DB_URL} (default the local PostgreSQL on 127.0.0.1:5432) when that answers, otherwise on an
 * embedded PostgreSQL started once per JVM, so the suite passes on a machine with only a JDK.
 */
public final class TestDatabase implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TestDatabase.class);
    private static Server server;

    private final Server on;
    private final String name;

    private TestDatabase(Server on, String name) {
        this.on = on;
        this.name = name;
    }

    /** Creates an empty database with a unique name. */
    public static TestDatabase create() {
        Server chosen = server();
        String name = "kurir_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        chosen.execute("CREATE DATABASE " + name); // a generated identifier: DDL cannot bind it
        return new TestDatabase(chosen, name);
    }

    public String jdbcUrl() {
        return on.urlOf(name);
    }

    public String user() {
        return on.user();
    }

    public String password() {
        return on.password();
    }

    public DataSource dataSource() {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setUrl(jdbcUrl());
        dataSource.setUser(user());
        dataSource.setPassword(password());
        return dataSource;
    }

    @Override
    public void close() {
        on.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }

    private static synchronized Server server() {
        if (server == null) {
            server = Server.local().orElseGet(Server::embedded);
        }
        return server;
    }

    /** A PostgreSQL server reached through its maintenance database. */
    private record Server(String adminUrl, String user, String password) {

        static java.util.Optional<Server> local() {
            String url = env("KURIR_TEST_DB_URL", "jdbc:postgresql://127.0.0.1:5432/postgres");
            Server local = new Server(url, env("KURIR_TEST_DB_USER", "postgres"), env("KURIR_TEST_DB_PASSWORD", ""));
            try (Connection ignored = local.connect()) {
                log.info("test databases on {}", url);
                return java.util.Optional.of(local);
            } catch (SQLException e) {
                log.info("no PostgreSQL at {} ({}); starting an embedded one", url, e.getMessage());
                return java.util.Optional.empty();
            }
        }

        static Server embedded() {
            try {
                EmbeddedPostgres postgres = EmbeddedPostgres.builder().start();
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        postgres.close();
                    } catch (IOException e) {
                        log.warn("embedded PostgreSQL did not stop cleanly", e);
                    }
                }));
                return new Server(postgres.getJdbcUrl("postgres", "postgres"), "postgres", "");
            } catch (IOException e) {
                throw new UncheckedIOException("could not start an embedded PostgreSQL", e);
            }
        }

        String urlOf(String database) {
            int slash = adminUrl.lastIndexOf('/');
            int query = adminUrl.indexOf('?', slash);
            return adminUrl.substring(0, slash + 1) + database + (query < 0 ? "" : adminUrl.substring(query));
        }

        Connection connect() throws SQLException {
            DriverManager.setLoginTimeout(3);
            return DriverManager.getConnection(adminUrl, user, password);
        }

        void execute(String sql) {
            try (Connection connection = connect(); Statement statement = connection.createStatement()) {
                statement.execute(sql);
            } catch (SQLException e) {
                throw new IllegalStateException(sql.toLowerCase(Locale.ROOT) + " failed: " + e.getMessage(), e);
            }
        }

        private static String env(String name, String fallback) {
            String value = System.getenv(name);
            return value == null || value.isBlank() ? fallback : value;
        }
    }
}
