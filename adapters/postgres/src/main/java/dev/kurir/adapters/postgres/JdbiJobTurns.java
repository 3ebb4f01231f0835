package dev.kurir.adapters.postgres;

import dev.kurir.application.messaging.port.out.JobTurns;
import java.time.Duration;
import org.jdbi.v3.core.Jdbi;

/**
 * Job turns in a module's {@code job_turns} table: one row per job with who took the last turn, when, and how many
 * turns were taken in all. The upsert's row lock decides between processes asking at the same moment.
 */
public final class JdbiJobTurns implements JobTurns {
    private final Jdbi jdbi;
    private final ModuleSchema schema;
    private final String owner;

    /** @param owner who takes the turns, for an operator reading the table, e.g. {@code kurir@host/1234} */
    public JdbiJobTurns(Jdbi jdbi, ModuleSchema schema, String owner) {
        this.jdbi = jdbi;
        this.schema = schema;
        this.owner = owner;
    }

    @Override
    public boolean take(String job, Duration interval) {
        return jdbi.withHandle(handle -> handle.createUpdate("""
                        INSERT INTO <schema>.job_turns AS turn (job, taken_at, taken_by, turns)
                        VALUES (:job, clock_timestamp(), :owner, 1)
                        ON CONFLICT (job) DO UPDATE
                            SET taken_at = EXCLUDED.taken_at, taken_by = EXCLUDED.taken_by, turns = turn.turns + 1
                            WHERE turn.taken_at <= EXCLUDED.taken_at - :millis * interval '1 millisecond'""")
                .define("schema", schema.schemaName())
                .bind("job", job)
                .bind("owner", owner)
                .bind("millis", interval.toMillis())
                .execute()) == 1;
    }
}
