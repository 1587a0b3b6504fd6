package io.secureconnect.policy;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import io.secureconnect.common.identity.Peer;
import io.secureconnect.common.startup.MappedSettings;
import io.secureconnect.common.startup.ServiceStartup;
import io.secureconnect.policy.config.PolicySettings;

/** Checks the settings (port, database, signing key, durations) first, so a wrong one ends in one clear line. */
@QuarkusMain
public class ConnectorPolicyMain {

    public static void main(String... args) {
        ServiceStartup.checkOrExit(true, Peer.service("connector-policy"));
        ServiceStartup.exitOnFirst(PolicySettings.problems(MappedSettings.asQuarkusReadsThem()));
        Quarkus.run(args);
    }
}
