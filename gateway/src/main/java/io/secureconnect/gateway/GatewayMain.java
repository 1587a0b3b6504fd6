package io.secureconnect.gateway;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import io.secureconnect.common.startup.ServiceStartup;
import io.secureconnect.gateway.config.GatewayStartupChecks;

/** Checks the settings first (HTTP port, then the gateway's own), so a wrong one ends in one clear line. */
@QuarkusMain
public class GatewayMain {

    public static void main(String... args) {
        ServiceStartup.checkOrExit(false);
        GatewayStartupChecks.checkOrExit();
        Quarkus.run(args);
    }
}
