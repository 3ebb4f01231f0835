package dev.kurir.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kurir.adapters.postgres.ModuleSchema;
import dev.kurir.application.module.ModuleDescriptor;
import dev.kurir.application.module.ModuleDescriptor.Subscription;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The module descriptors agree with each other, and what is derived from them covers every module: the names
 * {@code KURIR_MODULES} accepts, the schemas, and the service names the shell start-up (otel-env.sh, which cannot
 * read the descriptors) writes by hand.
 */
class KurirModulesTest {

    static List<ModuleDescriptor> modules() {
        return KurirModules.ALL;
    }

    @Test
    void namesSchemasExchangesQueuesAndServiceNames_areEachTheirModulesOwn() {
        for (Function<ModuleDescriptor, String> part : List.<Function<ModuleDescriptor, String>>of(
                ModuleDescriptor::name, ModuleDescriptor::schema, ModuleDescriptor::exchange, ModuleDescriptor::queue,
                ModuleDescriptor::serviceName)) {
            Set<String> distinct = KurirModules.ALL.stream().map(part).collect(Collectors.toSet());
            assertEquals(KurirModules.ALL.size(), distinct.size(), "shared by two modules: " + distinct);
        }
    }

    /** A consumed event that no module publishes where the queue is bound would never arrive: a typo, usually. */
    @ParameterizedTest
    @MethodSource("modules")
    void everyConsumedEvent_isPublishedByAModule_whereTheQueueIsBound(ModuleDescriptor consumer) {
        for (Subscription subscription : consumer.consumes()) {
            for (String eventType : subscription.eventTypes()) {
                boolean routed = KurirModules.ALL.stream()
                        .filter(publisher -> publisher.exchange().equals(subscription.exchange()))
                        .flatMap(publisher -> publisher.publishes().stream())
                        .anyMatch(publication -> publication.eventType().equals(eventType)
                                && topicMatches(subscription.bindingKey(), publication.routingKey()));
                assertTrue(routed, consumer.name() + " consumes " + eventType + " from " + subscription.exchange()
                        + " with " + subscription.bindingKey() + ", but no module publishes it there");
            }
        }
    }

    @Test
    void topicMatching_asTheBrokerDoesIt() {
        assertTrue(topicMatches("order.*", "order.created"));
        assertTrue(topicMatches("#", "order.created"));
        assertTrue(topicMatches("order.#", "order"));
        assertFalse(topicMatches("order.*", "stock.reserved"));
        assertFalse(topicMatches("order.*", "order.created.v2"));
        assertFalse(topicMatches("order.created", "order.cancelled"));
    }

    @ParameterizedTest
    @MethodSource("modules")
    void eachModule_canRunAlone_andOwnsItsSchema(ModuleDescriptor module) {
        Map<String, String> env = new HashMap<>(Map.of("KURIR_MODULES", module.name()));
        env.put("KURIR_ITEMS_URL", "http://127.0.0.1:8090"); // orders alone reaches the item service over HTTP
        assertEquals(Set.of(module.name()), KurirConfig.from(env).modules());
        assertEquals(module.schema(), ModuleSchema.of(module).schemaName());
        assertTrue(ModuleSchema.of(module).migrationLocation().endsWith("/migration/" + module.schema()));
    }

    @Test
    void byDefault_everyModuleRuns() {
        assertEquals(KurirModules.ALL.stream().map(ModuleDescriptor::name).collect(Collectors.toSet()),
                KurirConfig.from(Map.of()).modules());
    }

    /** otel-env.sh names the process from KURIR_MODULES by hand: it must name a module run alone as its descriptor. */
    @ParameterizedTest
    @MethodSource("modules")
    void theShellStartUp_namesAModuleRunAlone_asItsDescriptorDoes(ModuleDescriptor module) throws Exception {
        assertEquals(module.serviceName(), serviceNameFromShell(module.name()));
    }

    @Test
    void theShellStartUp_namesAProcessRunningEveryModule_kurir() throws Exception {
        assertEquals("kurir", serviceNameFromShell(
                KurirModules.ALL.stream().map(ModuleDescriptor::name).collect(Collectors.joining(","))));
    }

    private static String serviceNameFromShell(String modules) throws IOException, InterruptedException {
        Path script = Path.of("src/main/agent/otel-env.sh").toAbsolutePath();
        ProcessBuilder builder = new ProcessBuilder("sh", "-c", ". \"$0\" && printf %s \"$OTEL_SERVICE_NAME\"",
                script.toString());
        builder.environment().remove("OTEL_SERVICE_NAME");
        builder.environment().put("KURIR_MODULES", modules);
        builder.environment().put("KURIR_OTEL_AGENT", "off");
        builder.redirectErrorStream(true);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.waitFor(), output);
        return output;
    }

    /** AMQP topic matching: words split by dots, {@code *} one word, {@code #} zero or more. */
    private static boolean topicMatches(String bindingKey, String routingKey) {
        return matches(bindingKey.split("\\."), 0, routingKey.split("\\."), 0);
    }

    private static boolean matches(String[] pattern, int p, String[] words, int w) {
        if (p == pattern.length) {
            return w == words.length;
        }
        if (pattern[p].equals("#")) {
            for (int skip = w; skip <= words.length; skip++) {
                if (matches(pattern, p + 1, words, skip)) {
                    return true;
                }
            }
            return false;
        }
        return w < words.length && (pattern[p].equals("*") || pattern[p].equals(words[w]))
                && matches(pattern, p + 1, words, w + 1);
    }
}
