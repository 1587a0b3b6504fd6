package io.secureconnect.policy.testsupport;

import static io.restassured.RestAssured.given;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.util.Set;

/**
 * Verifies ID tokens the way a cloud does, with nimbus-jose-jwt (independent of jose4j, which signs them): the key
 * set is fetched over HTTP from the running service's JWKS endpoint; signature, RS256, issuer, audience, expiry and
 * not-before are checked by nimbus.
 */
public final class IdTokens {

    private IdTokens() {
    }

    public static JWKSet jwks(String account) throws Exception {
        String json = given().when().get("/oidc/account/" + account + "/jwks").then().statusCode(200).extract().asString();
        return JWKSet.parse(json);
    }

    public static String issuer(String account) {
        return PolicyTestDependencies.OIDC_BASE_URL + "/oidc/account/" + account;
    }

    /** The verified claims; throws (BadJOSEException / JOSEException) if anything does not verify. */
    public static JWTClaimsSet verify(String token, String account, String audience) throws Exception {
        return verify(token, jwks(account), account, audience);
    }

    public static JWTClaimsSet verify(String token, JWKSet keys, String account, String audience) throws Exception {
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.RS256, new ImmutableJWKSet<>(keys)));
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(audience,
                new JWTClaimsSet.Builder().issuer(issuer(account)).build(),
                Set.of("sub", "iat", "nbf", "exp", "jti", "account_id", "organization_id", "project_id",
                        "connector_id", "build_id", "context"));
        claims.setMaxClockSkew(0);
        processor.setJWTClaimsSetVerifier(claims);
        return processor.process(token, null);
    }
}
