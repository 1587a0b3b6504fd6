package io.secureconnect.testing;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

/**
 * Fails when the packages right under a module's root package import each other in a circle (wiring on top, helpers
 * at the bottom). Reads the module's main classes only: test helpers may reach anywhere.
 */
public final class PackageCycles {

    private PackageCycles() {
    }

    /** {@code root} e.g. {@code io.secureconnect.gateway}: its sub-packages, each with what lies below it, are slices. */
    public static void assertNone(String root) {
        JavaClasses classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
                .importPackages(root);
        if (classes.isEmpty()) {
            throw new AssertionError("no main classes found under " + root);
        }
        slices().matching(root + ".(*)..").should().beFreeOfCycles().check(classes);
    }
}
