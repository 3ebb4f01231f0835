package dev.kurir.adapters.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.kurir.application.shared.port.out.DatabaseUnavailableException;
import dev.kurir.testing.TestDatabase;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/** A database that cannot answer is told apart from work that failed, against a real PostgreSQL. */
class JdbiUnitOfWorkIT {
    private static TestDatabase database;
    private static Jdbi jdbi;

    @BeforeAll
    static void create() {
        database = TestDatabase.create();
        jdbi = Jdbi.create(database.dataSource());
        jdbi.useHandle(h -> h.execute("CREATE TABLE written (n int)"));
    }

    @AfterAll
    static void drop() {
        database.close();
    }

    @Test
    void aPoolWithNoConnectionLeft_isDatabaseUnavailable() throws Exception {
        HikariConfig config = new HikariConfig();
        config.setDataSource(database.dataSource());
        config.setMaximumPoolSize(1);
        config.setConnectionTimeout(250);
        try (HikariDataSource pool = new HikariDataSource(config); Connection held = pool.getConnection()) {
            JdbiUnitOfWork unitOfWork = new JdbiUnitOfWork(Jdbi.create(pool));

            DatabaseUnavailableException e = assertThrows(DatabaseUnavailableException.class,
                    () -> unitOfWork.inTransaction(() -> 1));
            assertTrue(e.getMessage().startsWith("the database cannot be reached: "), e.getMessage());
            assertFalse(held.isClosed());
        }
    }

    @Test
    void aServerThatRefusesConnections_isDatabaseUnavailable() {
        PGSimpleDataSource nowhere = new PGSimpleDataSource();
        nowhere.setUrl("jdbc:postgresql://127.0.0.1:1/kurir?connectTimeout=2");

        assertThrows(DatabaseUnavailableException.class,
                () -> new JdbiUnitOfWork(Jdbi.create(nowhere)).inTransaction(() -> 1));
    }

    @Test
    void aSessionTerminatedBeforeTheCommit_isDatabaseUnavailable_andNothingIsWritten() {
        JdbiUnitOfWork unitOfWork = new JdbiUnitOfWork(jdbi);

        assertThrows(DatabaseUnavailableException.class, () -> unitOfWork.inTransaction(() -> {
            jdbi.useHandle(h -> h.execute("INSERT INTO written VALUES (1)"));
            // As a PostgreSQL restart does to every session (SQLSTATE 57P01).
            return jdbi.withHandle(h -> h.createQuery("SELECT pg_terminate_backend(pg_backend_pid())")
                    .mapTo(Boolean.class).one());
        }));
        int written = jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM written").mapTo(Integer.class).one());
        assertEquals(0, written);
    }

    @Test
    void aStatementThatFails_isThrownAsItIs() {
        JdbiUnitOfWork unitOfWork = new JdbiUnitOfWork(jdbi);

        assertThrows(UnableToExecuteStatementException.class, () -> unitOfWork.inTransaction(() ->
                jdbi.withHandle(h -> h.execute("INSERT INTO written VALUES ('not a number')"))));
    }

    @Test
    void afterCommit_runsOnceTheTransactionCommitted_seeingWhatItWrote() {
        JdbiUnitOfWork unitOfWork = new JdbiUnitOfWork(jdbi);
        List<Integer> seenAfterCommit = new ArrayList<>();

        unitOfWork.inTransaction(() -> {
            jdbi.useHandle(h -> h.execute("INSERT INTO written VALUES (42)"));
            unitOfWork.afterCommit(() -> seenAfterCommit.add(countFromAnotherConnection(42)));
            assertTrue(seenAfterCommit.isEmpty(), "not before the commit");
            return null;
        });

        assertEquals(List.of(1), seenAfterCommit, "run after the commit, when other connections see the row");
    }

    @Test
    void afterCommit_inATransactionThatRollsBack_neverRuns() {
        JdbiUnitOfWork unitOfWork = new JdbiUnitOfWork(jdbi);
        List<String> ran = new ArrayList<>();

        assertThrows(IllegalStateException.class, () -> unitOfWork.inTransaction(() -> {
            unitOfWork.afterCommit(() -> ran.add("after commit"));
            throw new IllegalStateException("the business change failed");
        }));

        assertTrue(ran.isEmpty());
    }

    @Test
    void afterCommit_outsideATransaction_isRefused() {
        assertThrows(IllegalStateException.class, () -> new JdbiUnitOfWork(jdbi).afterCommit(() -> { }));
    }

    private static int countFromAnotherConnection(int n) {
        try (Connection connection = database.dataSource().getConnection();
             var statement = connection.prepareStatement("SELECT count(*) FROM written WHERE n = ?")) {
            statement.setInt(1, n);
            try (var rows = statement.executeQuery()) {
                rows.next();
                return rows.getInt(1);
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
