package dev.kurir.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.kurir.application.contracts.EventType;
import dev.kurir.application.contracts.IntegrationEvents;
import dev.kurir.testing.EventSchemas;
import dev.kurir.testing.Prerequisite;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code docs/asyncapi.yaml} is a valid AsyncAPI 3.0 document by the AsyncAPI CLI ({@code @asyncapi/cli}, which
 * {@code .ci/run} installs into {@code ~/.cache/kurir-npm}), and it describes every event of the contract with the
 * schema file the tests check published events against.
 */
class AsyncApiIT {
    private static final String CLI = "@asyncapi/cli 6.2.0 and node (asyncapi on the PATH, or in"
            + " ~/.cache/kurir-npm/bin; .ci/run installs it)";

    private static Path document() {
        return EventSchemas.directory().getParent().resolve("asyncapi.yaml");
    }

    @Test
    void everyEventOfTheContract_isAMessageOfTheDocument_withItsSchemaFile() throws IOException {
        String yaml = Files.readString(document());
        for (EventType<?> type : IntegrationEvents.all()) {
            String file = type.name() + ".v" + type.version() + ".json";
            assertTrue(Files.isRegularFile(EventSchemas.file(type.name(), type.version())), "no docs/events/" + file);
            assertTrue(yaml.contains("      name: " + type.name() + "\n"), "no message named " + type.name());
            assertTrue(yaml.contains("      title: " + type + "\n"), "no message titled " + type);
            assertTrue(yaml.contains("        $ref: './events/" + file + "'\n"), "no payload $ref to " + file);
        }
    }

    @Test
    void theDocument_validates() throws Exception {
        Path cli = asyncapi();
        Run run = validate(cli, document());
        assertEquals(0, run.exitCode(), run.output());
    }

    @Test
    void aBrokenCopy_doesNot() throws Exception {
        Path cli = asyncapi();
        Path copy = Files.createTempDirectory("kurir-asyncapi");
        try {
            Path events = Files.createDirectory(copy.resolve("events"));
            try (Stream<Path> schemas = Files.list(EventSchemas.directory())) {
                for (Path schema : schemas.toList()) {
                    Files.copy(schema, events.resolve(schema.getFileName()));
                }
            }
            // "publish" was AsyncAPI 2's word; 3.0 knows only send and receive.
            Path broken = Files.writeString(copy.resolve("asyncapi.yaml"),
                    Files.readString(document()).replace("action: send", "action: publish"));
            Run run = validate(cli, broken);
            assertNotEquals(0, run.exitCode(), run.output());
        } finally {
            try (Stream<Path> files = Files.walk(copy)) {
                for (Path file : files.sorted((a, b) -> b.compareTo(a)).toList()) {
                    Files.deleteIfExists(file);
                }
            }
        }
    }

    private record Run(int exitCode, String output) {
    }

    private static Run validate(Path cli, Path document) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(cli.toString(), "validate", document.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        // The CLI sends usage metrics unless its settings file says no: a file of our own, so the run neither
        // depends on the network nor writes into the user's home.
        Path settings = Files.createTempFile("kurir-asyncapi-analytics", ".json");
        Files.writeString(settings, "{\"analyticsEnabled\":\"false\",\"infoMessageShown\":\"true\","
                + "\"userID\":\"kurir-tests\"}");
        builder.environment().put("ASYNCAPI_METRICS_CONFIG_PATH", settings.toString());
        builder.environment().put("SUPPRESS_NO_CONFIG_WARNING", "true");
        Process process;
        byte[] output;
        try {
            process = builder.start();
            process.getOutputStream().close();
            output = process.getInputStream().readAllBytes();
        } finally {
            Files.deleteIfExists(settings);
        }
        if (!process.waitFor(2, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            fail("asyncapi validate did not finish within 2 minutes");
        }
        return new Run(process.exitValue(), new String(output));
    }

    private static Path asyncapi() {
        Optional<Path> found = Prerequisite.npmCommand("asyncapi");
        Prerequisite.require(found.isPresent(), "AsyncApiIT", CLI);
        return found.orElseThrow();
    }
}
