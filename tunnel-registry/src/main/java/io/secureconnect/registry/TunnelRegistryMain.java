package io.secureconnect.registry;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import io.secureconnect.common.identity.Peer;
import io.secureconnect.common.startup.MappedSettings;
import io.secureconnect.common.startup.ServiceStartup;
import io.secureconnect.registry.config.RegistrySettings;

/** Checks the settings (port, database, port pool and lease timings) first, so a wrong one ends in one clear line. */
@QuarkusMain
public class TunnelRegistryMain {

    public static void main(String... args) {
        ServiceStartup.checkOrExit(true, Peer.service("tunnel-registry"));
        ServiceStartup.exitOnFirst(RegistrySettings.problems(MappedSettings.asQuarkusReadsThem()));
        Quarkus.run(args);
    }
}
