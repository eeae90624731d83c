package dev.visage;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.Architectures;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package layout is the architecture: the flow runs from photos to answers, and no package imports one that
 * comes later in it.
 */
class ArchitectureTest {

    /** Bottom to top: each package may use the ones before it, never one after it. */
    private static final List<String> FLOW = List.of(
            "system",
            "face",
            "dataset",
            "network",
            "store",
            "training",
            "jobs",
            "serving",
            "identify",
            "people",
            "web");

    private static JavaClasses classes;

    @BeforeAll
    static void importMainClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.visage");
    }

    @Test
    void noPackageUsesOneLaterInTheFlow() {
        Architectures.LayeredArchitecture layers =
                Architectures.layeredArchitecture().consideringOnlyDependenciesInLayers();
        for (String name : FLOW) {
            layers = layers.layer(name).definedBy("dev.visage." + name + "..");
        }
        for (int i = 0; i < FLOW.size() - 1; i++) {
            layers = layers.whereLayer(FLOW.get(i))
                    .mayOnlyBeAccessedByLayers(FLOW.subList(i + 1, FLOW.size()).toArray(String[]::new));
        }
        layers.whereLayer("web").mayNotBeAccessedByAnyLayer().check(classes);
    }

    @Test
    void packagesAreFreeOfCycles() {
        slices().matching("dev.visage.(*)..").should().beFreeOfCycles().check(classes);
    }

    @Test
    void servingAndTheWebNeverReadLfw() {
        noClasses()
                .that()
                .resideInAnyPackage(
                        "dev.visage.store..", "dev.visage.serving..", "dev.visage.identify..", "dev.visage.web..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("dev.visage.dataset..")
                .check(classes);
    }

    @Test
    void onlyTheWebLayerSpeaksHttpErrors() {
        noClasses()
                .that()
                .resideOutsideOfPackage("dev.visage.web..")
                .should()
                .dependOnClassesThat()
                .haveFullyQualifiedName("org.springframework.web.ErrorResponseException")
                .check(classes);
    }
}
