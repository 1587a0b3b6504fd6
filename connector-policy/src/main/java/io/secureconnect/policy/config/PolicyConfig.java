package io.secureconnect.policy.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** connector-policy's own settings; checked at start-up by {@link PolicySettings}. */
@ConfigMapping(prefix = "secureconnect.policy")
public interface PolicyConfig {

    String SIGNING_KEY_FILE = "secureconnect.policy.credential-signing-key-file";
    String MAX_LIFETIME = "secureconnect.policy.credential-max-lifetime";
    String DEPENDENCY_TIMEOUT = "secureconnect.policy.dependency-timeout";

    /** The Ed25519 private key (PKCS#8 PEM, {@code openssl genpkey -algorithm ed25519}) that signs build credentials. */
    String credentialSigningKeyFile();

    /** The longest a build credential lives, whatever the build's deadline. */
    @WithDefault("PT6H")
    Duration credentialMaxLifetime();

    /** How long a call to key-validator or tunnel-registry may take before we fail closed. */
    @WithDefault("PT2S")
    Duration dependencyTimeout();
}
