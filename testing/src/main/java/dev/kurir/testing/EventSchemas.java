package dev.kurir.testing;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The JSON Schemas of the integration events, {@code docs/events/<type>.v<version>.json}: the files
 * {@code docs/asyncapi.yaml} refers to, so that what the tests check is what the document says.
 */
public final class EventSchemas {
    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7);
    private static final Map<Path, Schema> LOADED = new ConcurrentHashMap<>();

    private EventSchemas() {
    }

    /** {@code docs/events} of this working copy, found upwards from the directory the tests run in. */
    public static Path directory() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path events = dir.resolve("docs").resolve("events");
            if (Files.isDirectory(events) && Files.exists(dir.resolve("docs").resolve("asyncapi.yaml"))) {
                return events;
            }
        }
        throw new IllegalStateException("no docs/events next to docs/asyncapi.yaml above " + Path.of("").toAbsolutePath());
    }

    public static Path file(String eventType, int version) {
        return directory().resolve(eventType + ".v" + version + ".json");
    }

    /**
     * What is wrong with a payload by its schema; empty when it conforms.
     *
     * @throws IllegalStateException if the event type and version have no schema file
     */
    public static List<String> violations(String eventType, int version, String payloadJson) {
        Path file = file(eventType, version);
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("no schema for " + eventType + " v" + version + ": " + file);
        }
        Schema schema = LOADED.computeIfAbsent(file, EventSchemas::load);
        return schema.validate(payloadJson, InputFormat.JSON).stream().map(Error::toString).toList();
    }

    private static Schema load(Path file) {
        try {
            return REGISTRY.getSchema(Files.readString(file), InputFormat.JSON);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
