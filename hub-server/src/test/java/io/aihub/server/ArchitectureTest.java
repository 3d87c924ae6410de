package io.aihub.server;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layout's rules, checked on the compiled classes of all three modules: modules point one way
 * (server → store → protocol), no package depends on itself through others, and each room keeps to
 * its kind of code.
 */
class ArchitectureTest {
    private static JavaClasses hub;

    @BeforeAll
    static void importHub() {
        hub = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(location -> !location.contains("-tests.jar")) // hub-store's test helpers
                .importPackages("io.aihub");
    }

    @Test
    void noPackage_dependsOnItselfThroughOthers() {
        slices().matching("io.aihub.(**)").should().beFreeOfCycles().check(hub);
    }

    @Test
    void theStore_knowsNothingOfTheServerNorOfVertx() {
        noClasses()
                .that()
                .resideInAPackage("io.aihub.store..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.aihub.server..", "io.vertx..", "com.corundumstudio..", "io.netty..")
                .check(hub);
    }

    @Test
    void theProtocol_usesOnlyTheJdkAndJacksonAnnotations() {
        classes()
                .that()
                .resideInAPackage("io.aihub.protocol..")
                .should()
                .onlyDependOnClassesThat()
                .resideInAnyPackage("io.aihub.protocol..", "java..", "com.fasterxml.jackson.annotation..")
                .check(hub);
    }

    @Test
    void featurePackagesOfTheServer_neverReachBackIntoItsRoot() {
        noClasses()
                .that()
                .resideInAPackage("io.aihub.server.*..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.aihub.server")
                .check(hub);
    }

    @Test
    void sql_isRunOnlyByTheStore() {
        noClasses()
                .that()
                .resideOutsideOfPackage("io.aihub.store..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("java.sql..", "org.postgresql..", "com.zaxxer..", "org.flywaydb..")
                .check(hub);
    }
}
