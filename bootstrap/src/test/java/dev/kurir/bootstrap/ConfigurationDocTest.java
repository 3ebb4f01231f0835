package dev.kurir.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/configuration.md against the code: every variable kurir reads is documented with its default, none is
 * documented that it does not read, and a default written as a literal is the one the code applies.
 */
class ConfigurationDocTest {
    private static final Path PAGE = Path.of("..", "docs", "configuration.md");
    private static final Pattern ROW = Pattern.compile("^\\| `(KURIR_[A-Z0-9_]+)` \\| ([^|]*) \\|", Pattern.MULTILINE);
    private static final Pattern LITERAL = Pattern.compile("`([^`]*)`");
    /** Read by ./kurir, the image's entrypoint or logback rather than KurirConfig: their defaults live there. */
    private static final Set<String> READ_OUTSIDE_KURIR_CONFIG = Set.of("KURIR_JAVA_OPTS", "KURIR_OTEL_AGENT",
            "KURIR_LOG_FORMAT");
    private static final List<Path> FILES_WITH_SHELL_DEFAULTS = List.of(Path.of("..", "kurir"),
            Path.of("src", "main", "agent", "otel-env.sh"), Path.of("src", "main", "resources", "logback.xml"));

    @Test
    void everyVariableKurirReads_isDocumented_andNoOther() throws IOException {
        Map<String, String> documented = documentedDefaults();
        assertEquals(new TreeSet<>(KurirConfig.VARIABLES), new TreeSet<>(documented.keySet()),
                "docs/configuration.md must document exactly the variables in KurirConfig.VARIABLES");
        documented.forEach((variable, cell) -> assertFalse(cell.isBlank(), variable + " has no default in the page"));
    }

    @Test
    void aDefaultWrittenAsALiteral_isTheDefaultTheCodeApplies() throws IOException {
        KurirConfig defaults = KurirConfig.from(Map.of());
        List<String> wrong = new ArrayList<>();
        for (Map.Entry<String, String> row : documentedDefaults().entrySet()) {
            String variable = row.getKey();
            String literal = literal(row.getValue());
            if (literal == null) {
                continue; // "unset", or a rule in words ("half of KURIR_DB_POOL_SIZE"): checked by KurirConfigTest
            }
            if (READ_OUTSIDE_KURIR_CONFIG.contains(variable)) {
                if (!shellDefaultIs(variable, literal)) {
                    wrong.add(variable + ": no ${" + variable + ":-" + literal + "} in " + FILES_WITH_SHELL_DEFAULTS);
                }
            } else {
                String value = literal.startsWith("~/") ? System.getProperty("user.home") + literal.substring(1) : literal;
                if (!KurirConfig.from(Map.of(variable, value)).equals(defaults)) {
                    wrong.add(variable + ": the page says " + literal + ", but setting it changes the configuration");
                }
            }
        }
        assertTrue(wrong.isEmpty(), String.join("\n", wrong));
    }

    /** The default cell's value when it is one literal ({@code `10`}) or {@code *(empty)*}; null otherwise. */
    private static String literal(String cell) {
        String trimmed = cell.strip();
        if (trimmed.equals("*(empty)*")) {
            return "";
        }
        Matcher m = LITERAL.matcher(trimmed);
        return m.matches() ? m.group(1) : null;
    }

    private static boolean shellDefaultIs(String variable, String literal) throws IOException {
        String expected = "${" + variable + ":-" + literal + "}";
        for (Path file : FILES_WITH_SHELL_DEFAULTS) {
            if (Files.readString(file).contains(expected)) {
                return true;
            }
        }
        return false;
    }

    private static Map<String, String> documentedDefaults() throws IOException {
        Map<String, String> rows = new TreeMap<>();
        Matcher m = ROW.matcher(Files.readString(PAGE));
        while (m.find()) {
            assertTrue(rows.put(m.group(1), m.group(2)) == null, m.group(1) + " is documented twice");
        }
        return rows;
    }
}
