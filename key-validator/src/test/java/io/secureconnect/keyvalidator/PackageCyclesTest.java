package io.secureconnect.keyvalidator;

import io.secureconnect.testing.PackageCycles;
import org.junit.jupiter.api.Test;

/** The module's packages do not import each other in circles (issue 19). */
class PackageCyclesTest {

    @Test
    void packagesHaveNoCycles() {
        PackageCycles.assertNone("io.secureconnect.keyvalidator");
    }
}
