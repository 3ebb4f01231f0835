package dev.kurir.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import dev.kurir.application.orders.OrdersModule;
import java.io.File;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Guards the layering and the separation of orders and items. Every rule is first shown to fail on the fixture
 * tree of deliberate violations, then checked on the real code; an empty layer fails too.
 */
class ArchitectureTest {
    private static final String ROOT = "dev.kurir";
    private static final String FIXTURE = "dev.kurir.archfixture";
    private static final JavaClasses PRODUCTION = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(ROOT);
    private static final JavaClasses VIOLATIONS = new ClassFileImporter().importPackages(FIXTURE);

    record NamedRule(String name, Function<String, ArchRule> rule, String culprit) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<NamedRule> rules() {
        return List.of(
                new NamedRule("domain depends on nothing but java", ArchitectureRules::domainDependsOnNothingButJava,
                        "FixtureOrder"),
                new NamedRule("application depends on no adapter nor bootstrap",
                        ArchitectureRules::applicationDependsOnNoAdapterNorBootstrap, "FixtureOrdersService"),
                new NamedRule("adapters do not depend on each other",
                        ArchitectureRules::adaptersDoNotDependOnEachOther, "FixtureHttpAdapter"),
                new NamedRule("adapters do not depend on observability",
                        ArchitectureRules::adaptersDoNotDependOnObservability, "FixtureTracingAdapter"),
                new NamedRule("observability depends on application ports only",
                        ArchitectureRules::observabilityDependsOnApplicationPortsOnly, "FixtureMetrics"),
                new NamedRule("orders never reach into items", ArchitectureRules::ordersNeverReachIntoItems,
                        "FixtureOrdersService"),
                new NamedRule("items never reach into orders", ArchitectureRules::itemsNeverReachIntoOrders,
                        "FixtureItemsService"),
                new NamedRule("the event contracts depend on nothing but java",
                        ArchitectureRules::contractsDependOnNothingButJava, "FixtureContractEvent"),
                new NamedRule("only the catalog adapters know how orders reaches items",
                        ArchitectureRules::onlyTheCatalogAdaptersReachItems, "RogueItemCatalog"),
                new NamedRule("use-case implementations are not public",
                        ArchitectureRules::useCaseImplementationsAreNotPublic, "FixturePublicService"),
                new NamedRule("layers are free of cycles", ArchitectureRules::layersAreFreeOfCycles, "FixtureWiring"),
                new NamedRule("packages are free of cycles", ArchitectureRules::packagesAreFreeOfCycles,
                        "FixtureItemsService"));
    }

    @ParameterizedTest
    @MethodSource("rules")
    void rule_catchesItsDeliberateViolation(NamedRule rule) {
        AssertionError failure = assertThrows(AssertionError.class, () -> rule.rule().apply(FIXTURE).check(VIOLATIONS));
        assertTrue(failure.getMessage().contains(rule.culprit()), failure.getMessage());
    }

    @ParameterizedTest
    @MethodSource("rules")
    void rule_holdsForTheRealCode(NamedRule rule) {
        rule.rule().apply(ROOT).check(PRODUCTION);
    }

    @Test
    void noLayerOrModuleIsEmpty() {
        for (String pkg : List.of("domain.orders", "domain.items", "domain.shared", "application.orders",
                "application.items", "application.shared", "application.contracts", "adapters.postgres", "adapters.http",
                "adapters.inprocess", "adapters.catalog", "adapters.rabbitmq", "application.messaging",
                "observability", "bootstrap")) {
            String name = ROOT + "." + pkg;
            assertTrue(PRODUCTION.stream().anyMatch(c -> c.getPackageName().startsWith(name)), "no classes in " + name);
        }
        assertFalse(PRODUCTION.stream().anyMatch(c -> c.getPackageName().startsWith(FIXTURE)),
                "fixtures must not count as production code");
    }

    @Test
    void applicationModule_exportsNoUseCasePackage() throws Exception {
        ModuleDescriptor descriptor = moduleDescriptorOf(OrdersModule.class);
        assertEquals("dev.kurir.application", descriptor.name());
        assertTrue(descriptor.exports().stream().anyMatch(e -> e.source().endsWith(".port.in")));
        assertTrue(descriptor.packages().stream().anyMatch(p -> p.endsWith(".usecase")), "usecase packages exist");
        descriptor.exports().forEach(export -> assertFalse(export.source().contains(".usecase"),
                "exports " + export.source()));
    }

    /** Reads the compiled module-info of the jar or folder the class came from (tests run on the class path). */
    private static ModuleDescriptor moduleDescriptorOf(Class<?> type) throws Exception {
        URL location = type.getProtectionDomain().getCodeSource().getLocation();
        Path path = Path.of(location.toURI());
        if (Files.isDirectory(path)) {
            // javac writes no ModulePackages attribute (the jar tool does): the folder itself lists the packages.
            try (InputStream in = Files.newInputStream(path.resolve("module-info.class"));
                 var classes = Files.walk(path)) {
                Set<String> packages = classes.filter(file -> file.toString().endsWith(".class"))
                        .map(file -> path.relativize(file.getParent()).toString().replace(File.separatorChar, '.'))
                        .filter(name -> !name.isEmpty())
                        .collect(Collectors.toSet());
                return ModuleDescriptor.read(in, () -> packages);
            }
        }
        try (JarFile jar = new JarFile(path.toFile()); InputStream in = jar.getInputStream(jar.getEntry("module-info.class"))) {
            return ModuleDescriptor.read(in);
        }
    }
}
