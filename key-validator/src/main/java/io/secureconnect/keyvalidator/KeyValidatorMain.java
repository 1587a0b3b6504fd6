package io.secureconnect.keyvalidator;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import io.secureconnect.common.startup.ServiceStartup;

/** Checks the settings (port, database) first, so a wrong one ends in one clear line. */
@QuarkusMain
public class KeyValidatorMain {

    public static void main(String... args) {
        ServiceStartup.checkOrExit(true);
        Quarkus.run(args);
    }
}
