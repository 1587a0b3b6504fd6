package io.secureconnect.gateway;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import io.secureconnect.common.identity.Peer;
import io.secureconnect.common.startup.ServiceStartup;
import io.secureconnect.gateway.config.GatewaySettings;
import io.secureconnect.gateway.config.GatewayStartupChecks;

/**
 * Checks the settings first (the gateway's own, its HTTP port and identity certificate, then its listeners' ports),
 * so a wrong one ends in one clear line.
 */
@QuarkusMain
public class GatewayMain {

    public static void main(String... args) {
        GatewaySettings settings = GatewayStartupChecks.settingsOrExit();
        ServiceStartup.checkOrExit(false, Peer.gateway(settings.gatewayId()));
        GatewayStartupChecks.portsFreeOrExit(settings);
        Quarkus.run(args);
    }
}
