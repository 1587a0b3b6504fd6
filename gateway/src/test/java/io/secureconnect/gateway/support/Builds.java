package io.secureconnect.gateway.support;

import io.secureconnect.common.credential.BuildCredential;
import io.secureconnect.common.credential.BuildCredentialCodec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Build credentials as connector-policy signs them, and proxy URLs carrying them. */
public final class Builds {

    private Builds() {
    }

    public static String credential(String accountId, int port, List<String> destinations, Duration validFor) {
        return BuildCredentialCodec.sign(new BuildCredential(accountId, "build_" + UUID.randomUUID(), port,
                destinations, Instant.now().plus(validFor)), GatewayTestResource.fixtures().credentialKeys()
                .getPrivate());
    }

    public static String credential(String accountId, int port, List<String> destinations) {
        return credential(accountId, port, destinations, Duration.ofMinutes(10));
    }

    public static String proxyUrl(String scheme, String credential, int proxyPort) {
        return scheme + "://build:" + credential + "@127.0.0.1:" + proxyPort;
    }

    /** A unique account id per test, so tests never share tunnels. */
    public static String account() {
        return "acct_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }
}
