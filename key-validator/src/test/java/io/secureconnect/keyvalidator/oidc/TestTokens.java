package io.secureconnect.keyvalidator.oidc;

import io.secureconnect.keyvalidator.support.IssuedTokens;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.lang.JoseException;

/**
 * Access tokens as {@link FakeOidcProvider}'s realm would issue them (Keycloak's shape: azp, realm_access.roles,
 * a hard-coded account_id claim), and deliberately broken ones. Every token is remembered for the log scan.
 */
final class TestTokens {

    private final JwtClaims claims = new JwtClaims();
    private RsaJsonWebKey key = key(FakeOidcProvider.SIGNING_KEY);
    private String keyId = key.getKeyId();

    private TestTokens() {
        claims.setIssuer(ConfigProvider.getConfig().getValue("quarkus.oidc.auth-server-url", String.class));
        claims.setAudience("key-validator");
        claims.setSubject("service-account-test");
        claims.setClaim("azp", "test-client");
        claims.setIssuedAtToNow();
        claims.setExpirationTimeMinutesInTheFuture(5);
    }

    /** A token of {@code account} holding {@code roles} (realm roles). */
    static TestTokens of(String account, String... roles) {
        TestTokens tokens = new TestTokens();
        if (account != null) {
            tokens.claims.setClaim("account_id", account);
        }
        tokens.claims.setClaim("realm_access", Map.of("roles", List.of(roles)));
        return tokens;
    }

    TestTokens client(String clientId) {
        claims.setClaim("azp", clientId);
        return this;
    }

    /** The gateway a {@code sc_gateway} token names (the claim gateway_id). */
    TestTokens gateway(String gatewayId) {
        claims.setClaim("gateway_id", gatewayId);
        return this;
    }

    TestTokens expiredMinutesAgo(int minutes) {
        claims.setIssuedAt(NumericDate.fromSeconds(NumericDate.now().getValue() - 60L * (minutes + 5)));
        claims.setExpirationTime(NumericDate.fromSeconds(NumericDate.now().getValue() - 60L * minutes));
        return this;
    }

    TestTokens validFromMinutesAhead(int minutes) {
        claims.setNotBefore(NumericDate.fromSeconds(NumericDate.now().getValue() + 60L * minutes));
        claims.setExpirationTimeMinutesInTheFuture(minutes + 5);
        return this;
    }

    TestTokens issuer(String issuer) {
        claims.setIssuer(issuer);
        return this;
    }

    TestTokens audience(String... audience) {
        claims.setAudience(audience);
        return this;
    }

    /** Signed with a key the provider does not publish, under the published key's id. */
    TestTokens signedWithAnotherKey() {
        key = key(FakeOidcProvider.OTHER_KEY);
        return this;
    }

    /** Signed with a key the provider does not publish, under that key's own id. */
    TestTokens signedWithAnUnknownKeyId() {
        key = key(FakeOidcProvider.OTHER_KEY);
        keyId = key.getKeyId();
        return this;
    }

    String sign() {
        try {
            JsonWebSignature jws = new JsonWebSignature();
            jws.setPayload(claims.toJson());
            jws.setKey(key.getPrivateKey());
            jws.setKeyIdHeaderValue(keyId);
            jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
            return IssuedTokens.remember(jws.getCompactSerialization());
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The same claims with {@code alg: none} and no signature. */
    String unsigned() {
        String header = "{\"alg\":\"none\",\"typ\":\"JWT\",\"kid\":\"" + keyId + "\"}";
        // Not remembered for the log scan: it carries no signature, so nothing secret.
        return base64(header) + "." + base64(claims.toJson()) + ".";
    }

    /** A properly signed token whose payload was then changed to name {@code account}: the signature no longer fits. */
    String tamperedToAccount(String account) {
        String signed = sign();
        String[] parts = signed.split("\\.");
        claims.setClaim("account_id", account);
        List<String> changed = new ArrayList<>(List.of(parts));
        changed.set(1, base64(claims.toJson()));
        return IssuedTokens.remember(String.join(".", changed));
    }

    private static String base64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    private static RsaJsonWebKey key(String property) {
        try {
            return (RsaJsonWebKey) JsonWebKey.Factory.newJwk(
                    ConfigProvider.getConfig().getValue(property, String.class));
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }
}
