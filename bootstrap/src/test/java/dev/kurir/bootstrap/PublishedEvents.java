package dev.kurir.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.kurir.testing.EventSchemas;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.jdbi.v3.core.Jdbi;

/**
 * Checks every event the modules published in a test against its JSON Schema ({@code docs/events}, the files
 * {@code docs/asyncapi.yaml} refers to). The SENT outbox rows are what the relay published and the broker confirmed:
 * the body as JSON (jsonb keeps the content, not the spacing), and the version that went out as
 * {@code kurir-event-version}. (Rows a test wrote to provoke a refusal end FAILED, and are not events of the contract.)
 */
final class PublishedEvents {
    private record Row(long id, String eventType, int eventVersion, String payload) {
    }

    private PublishedEvents() {
    }

    /**
     * Asserts that each SENT outbox row of the given module schemas conforms to its event's schema.
     *
     * @return the event types seen, for the caller to check that its run published what it meant to
     */
    static Set<String> assertEachMatchesItsSchema(Jdbi jdbi, String... moduleSchemas) {
        List<Row> rows = new ArrayList<>();
        for (String schema : moduleSchemas) {
            rows.addAll(jdbi.withHandle(handle -> handle.createQuery("SELECT id, event_type, event_version,"
                            + " payload::text AS payload FROM <schema>.outbox WHERE status = 'SENT' ORDER BY id")
                    .define("schema", schema)
                    .map((rs, ctx) -> new Row(rs.getLong("id"), rs.getString("event_type"),
                            rs.getInt("event_version"), rs.getString("payload")))
                    .list()));
        }
        assertFalse(rows.isEmpty(), "no event was published in " + List.of(moduleSchemas));
        // The check itself must be able to fail: the first row without its fields is refused.
        Row first = rows.get(0);
        assertFalse(EventSchemas.violations(first.eventType(), first.eventVersion(), "{}").isEmpty(),
                "an empty " + first.eventType() + " must not conform");
        List<String> violations = new ArrayList<>();
        Set<String> types = new TreeSet<>();
        for (Row row : rows) {
            types.add(row.eventType());
            List<String> problems = EventSchemas.violations(row.eventType(), row.eventVersion(), row.payload());
            if (!problems.isEmpty()) {
                violations.add(row.eventType() + " v" + row.eventVersion() + " (outbox row " + row.id() + ") "
                        + row.payload() + ": " + problems);
            }
        }
        assertEquals(List.of(), violations, rows.size() + " events checked");
        return types;
    }
}
