package io.secureconnect.keyvalidator.bootstrap;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** The bootstrap switched on, as in production (a profile of its own restarts Quarkus on a fresh database). */
public class BootstrapProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("secureconnect.keys.bootstrap.enabled", "true", "secureconnect.keys.bootstrap.account", "first_account");
    }
}
