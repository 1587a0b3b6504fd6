package io.secureconnect.keyvalidator;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import io.secureconnect.common.identity.Peer;
import io.secureconnect.common.startup.ServiceStartup;
import io.secureconnect.keyvalidator.secret.PepperSetting;
import java.util.Optional;
import org.eclipse.microprofile.config.ConfigProvider;

/** Checks the settings (port, database, pepper) first, so a wrong one ends in one clear line. */
@QuarkusMain
public class KeyValidatorMain {

    public static void main(String... args) {
        ServiceStartup.checkOrExit(true, Peer.service("key-validator"));
        Optional<String> pepperProblem = PepperSetting.problem(
                ConfigProvider.getConfig().getOptionalValue(PepperSetting.NAME, String.class));
        if (pepperProblem.isPresent()) {
            System.err.println(pepperProblem.get());
            System.exit(ServiceStartup.EXIT_BAD_SETTING);
        }
        Quarkus.run(args);
    }
}
