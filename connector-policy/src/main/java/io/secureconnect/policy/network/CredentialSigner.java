package io.secureconnect.policy.network;

import io.quarkus.runtime.Startup;
import io.secureconnect.common.credential.BuildCredential;
import io.secureconnect.common.credential.BuildCredentialCodec;
import io.secureconnect.policy.config.PolicyConfig;
import io.secureconnect.policy.config.PolicySettings;
import jakarta.inject.Singleton;

/** Signs build credentials with the key of {@code secureconnect.policy.credential-signing-key-file}, read once at start. */
@Singleton
@Startup
public class CredentialSigner {

    private final BuildCredentialCodec.SigningKey key;

    CredentialSigner(PolicyConfig config) {
        this.key = BuildCredentialCodec.SigningKey.of(PolicySettings.readSigningKey(config.credentialSigningKeyFile()));
    }

    /** The wire form, URL-safe; it is a secret: never log it. */
    public String sign(BuildCredential credential) {
        return BuildCredentialCodec.sign(credential, key);
    }
}
