package io.secureconnect.gateway;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import io.secureconnect.common.identity.Peer;
import io.secureconnect.common.startup.ServiceStartup;
import io.secureconnect.gateway.config.GatewaySettings;
import io.secureconnect.gateway.config.GatewayStartupChecks;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Checks the settings first (gateway id, HTTP port, its identity certificate, then the gateway's own), so a wrong
 * one ends in one clear line.
 */
@QuarkusMain
public class GatewayMain {

    public static void main(String... args) {
        String id = ConfigProvider.getConfig().getOptionalValue("secureconnect.gateway.id", String.class)
                .filter(value -> !value.isBlank()).orElseGet(GatewaySettings::hostName);
        if (!Peer.NAME.matcher(id).matches()) {
            System.err.println("startup refused: secureconnect.gateway.id=" + id + ": must match "
                    + Peer.NAME.pattern() + " (it is also the name in the gateway's certificate)");
            System.exit(ServiceStartup.EXIT_BAD_SETTING);
        }
        ServiceStartup.checkOrExit(false, Peer.gateway(id));
        GatewayStartupChecks.checkOrExit();
        Quarkus.run(args);
    }
}
