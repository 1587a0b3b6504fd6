package io.secureconnect.registry;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import io.secureconnect.common.identity.Peer;
import io.secureconnect.common.startup.ServiceStartup;
import io.secureconnect.common.startup.StartupProblem;
import io.secureconnect.registry.config.RegistrySettings;
import java.util.List;
import org.eclipse.microprofile.config.ConfigProvider;

/** Checks the settings (port, database, port pool and lease timings) first, so a wrong one ends in one clear line. */
@QuarkusMain
public class TunnelRegistryMain {

    public static void main(String... args) {
        ServiceStartup.checkOrExit(true, Peer.service("tunnel-registry"));
        List<StartupProblem> problems = RegistrySettings.problems(ConfigProvider.getConfig());
        if (!problems.isEmpty()) {
            System.err.println(problems.get(0).line());
            System.exit(ServiceStartup.EXIT_BAD_SETTING);
        }
        Quarkus.run(args);
    }
}
