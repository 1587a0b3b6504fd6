package io.secureconnect.gateway.proxy;

import io.secureconnect.common.credential.BuildCredential;
import io.secureconnect.common.credential.BuildCredentialCodec;
import io.secureconnect.common.credential.CredentialException;
import io.secureconnect.gateway.config.GatewaySettings;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.time.Instant;
import java.util.Base64;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Checks the build credential in {@code Proxy-Authorization: Basic base64(user:credential)}: signature, expiry and,
 * on the real port pool, that it names the port the client connected to. Verified credentials are remembered so a
 * build's next connections skip the signature check (expiry is still checked every time).
 */
@Singleton
public class ProxyAuthorizer {

    static final int CACHE_LIMIT = 10_000;

    private final PublicKey verifyKey;
    private final boolean checkPort;
    private final ConcurrentMap<String, BuildCredential> verified = new ConcurrentHashMap<>();

    public ProxyAuthorizer(GatewaySettings settings) {
        this.verifyKey = settings.credentialVerifyKey();
        this.checkPort = !settings.ephemeralProxyPort();
    }

    /** The outcome of checking one request. */
    sealed interface Outcome {
    }

    record Allowed(BuildCredential credential) implements Outcome {
    }

    /** @param reason stable, for metrics and logs; the message goes to the client and never holds the credential */
    record Refused(int status, String reason, String message) implements Outcome {
    }

    Outcome authorize(String header, int localPort, Instant now) {
        if (header == null) {
            return new Refused(407, "PROXY_AUTH_MISSING", "this proxy needs the build credential "
                    + "(Proxy-Authorization: Basic)");
        }
        String credential = credentialOf(header);
        if (credential == null) {
            return new Refused(407, "PROXY_AUTH_MALFORMED", "Proxy-Authorization must be Basic base64(user:credential)");
        }
        BuildCredential build = verified.get(credential);
        if (build == null) {
            try {
                build = BuildCredentialCodec.verify(credential, verifyKey, now);
            } catch (CredentialException e) {
                return switch (e.reason()) {
                    case EXPIRED -> new Refused(403, "PROXY_CREDENTIAL_EXPIRED", "the build credential has expired");
                    case BAD_SIGNATURE -> new Refused(407, "PROXY_CREDENTIAL_BAD_SIGNATURE",
                            "the build credential does not verify");
                    case MALFORMED -> new Refused(407, "PROXY_CREDENTIAL_MALFORMED", "the build credential is malformed");
                };
            }
            if (verified.size() >= CACHE_LIMIT) {
                verified.clear();
            }
            verified.put(credential, build);
        } else if (build.expiredAt(now)) {
            verified.remove(credential);
            return new Refused(403, "PROXY_CREDENTIAL_EXPIRED", "the build credential has expired");
        }
        if (checkPort && build.port() != localPort) {
            return new Refused(403, "PROXY_WRONG_PORT", "the build credential is for port " + build.port()
                    + ", not " + localPort);
        }
        return new Allowed(build);
    }

    private static String credentialOf(String header) {
        if (header.length() < 6 || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
        int colon = decoded.indexOf(':');
        return colon < 0 ? null : decoded.substring(colon + 1);
    }
}
