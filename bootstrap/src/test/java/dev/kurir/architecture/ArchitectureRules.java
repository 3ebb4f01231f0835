package dev.kurir.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.lang.ArchRule;

/**
 * kurir's architecture as rules over a root package, so that each rule can be proven against a fixture tree
 * with deliberate violations ({@code dev.kurir.archfixture}) before it is trusted on the real code.
 */
final class ArchitectureRules {
    private ArchitectureRules() {
    }

    static ArchRule domainDependsOnNothingButJava(String root) {
        return classes().that().resideInAPackage(root + ".domain..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("java..", root + ".domain..")
                .because("the domain depends on nothing");
    }

    static ArchRule applicationDependsOnNoAdapterNorBootstrap(String root) {
        return noClasses().that().resideInAPackage(root + ".application..")
                .should().dependOnClassesThat().resideInAnyPackage(root + ".adapters..", root + ".bootstrap..");
    }

    static ArchRule adaptersDoNotDependOnEachOther(String root) {
        return slices().matching(root + ".adapters.(*)..").namingSlices("adapter $1")
                .should().notDependOnEachOther();
    }

    /**
     * Observability is one adapter beside the others, not a floor between them and the application: an adapter that
     * needs tracing or metrics goes through an application port (e.g. {@code MessagingTracing}).
     */
    static ArchRule adaptersDoNotDependOnObservability(String root) {
        return noClasses().that().resideInAPackage(root + ".adapters..")
                .should().dependOnClassesThat().resideInAPackage(root + ".observability..");
    }

    /** Observability implements the application's listener and tracing ports; it reaches nothing else of kurir's. */
    static ArchRule observabilityDependsOnApplicationPortsOnly(String root) {
        return noClasses().that().resideInAPackage(root + ".observability..")
                .should().dependOnClassesThat().resideInAnyPackage(root + ".adapters..", root + ".bootstrap..",
                        root + ".application.*.usecase..", root + ".domain..");
    }

    /** Orders and items meet only through messages and the catalog adapters; bootstrap wires both. */
    static ArchRule ordersNeverReachIntoItems(String root) {
        return noClasses().that().resideInAPackage("..orders..")
                .and().resideOutsideOfPackages(root + ".adapters.inprocess..", root + ".bootstrap..")
                .should().dependOnClassesThat().resideInAPackage("..items..");
    }

    static ArchRule itemsNeverReachIntoOrders(String root) {
        return noClasses().that().resideInAPackage("..items..")
                .and().resideOutsideOfPackages(root + ".adapters.inprocess..", root + ".bootstrap..")
                .should().dependOnClassesThat().resideInAPackage("..orders..");
    }

    /**
     * The integration events are the only thing orders and items share, and the whole contract between them once they
     * are services: they depend on the JDK and nothing else (the codec that binds them lives outside).
     */
    static ArchRule contractsDependOnNothingButJava(String root) {
        return classes().that().resideInAPackage(root + ".application.contracts..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("java..", root + ".application.contracts..")
                .because("the event contracts depend on nothing");
    }

    /** How orders reaches items is known in two places only: in-process (monolith) and over HTTP (split mode). */
    static ArchRule onlyTheCatalogAdaptersReachItems(String root) {
        return classes().that().implement(root + ".application.orders.port.out.ItemCatalog")
                .should().resideInAnyPackage(root + ".adapters.inprocess..", root + ".adapters.catalog..");
    }

    /** Use-case implementations stay package-private; callers see only the inbound ports. */
    static ArchRule useCaseImplementationsAreNotPublic(String root) {
        return classes().that().resideInAPackage(root + ".application.*.usecase..")
                .and().haveSimpleNameEndingWith("Service")
                .should().notHaveModifier(JavaModifier.PUBLIC);
    }

    static ArchRule layersAreFreeOfCycles(String root) {
        return slices().matching(root + ".(*)..").namingSlices("layer $1").should().beFreeOfCycles();
    }

    static ArchRule packagesAreFreeOfCycles(String root) {
        return slices().matching(root + ".(**)").namingSlices("package $1").should().beFreeOfCycles();
    }
}
