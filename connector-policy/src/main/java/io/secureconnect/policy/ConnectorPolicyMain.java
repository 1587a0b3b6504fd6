package io.secureconnect.policy;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import io.secureconnect.common.identity.Peer;
import io.secureconnect.common.startup.ServiceStartup;
import io.secureconnect.common.startup.StartupProblem;
import io.secureconnect.policy.config.PolicySettings;
import java.util.List;
import org.eclipse.microprofile.config.ConfigProvider;

/** Checks the settings (port, database, signing key, durations) first, so a wrong one ends in one clear line. */
@QuarkusMain
public class ConnectorPolicyMain {

    public static void main(String... args) {
        ServiceStartup.checkOrExit(true, Peer.service("connector-policy"));
        List<StartupProblem> problems = PolicySettings.problems(ConfigProvider.getConfig());
        if (!problems.isEmpty()) {
            System.err.println(problems.get(0).line());
            System.exit(ServiceStartup.EXIT_BAD_SETTING);
        }
        Quarkus.run(args);
    }
}
