package io.secureconnect.policy.oidc;

import io.secureconnect.policy.config.PolicyConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.UUID;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.lang.JoseException;

/** Signs the short-lived ID tokens a build exchanges with a cloud. A token is a secret: never log it. */
@ApplicationScoped
public class IdTokenIssuer {

    public static final String CONTEXT_BUILD = "build";

    /** Who the token speaks for; org and project are '' at account level. */
    public record Subject(String accountId, String orgId, String projectId, String connectorId, String buildId) {

        /** account/<a>[:org/<o>[:project/<p>]]:connector/<id>: trust policies match it with a prefix. */
        public String sub() {
            StringBuilder sub = new StringBuilder("account/").append(accountId);
            if (!orgId.isEmpty()) {
                sub.append(":org/").append(orgId);
            }
            if (!projectId.isEmpty()) {
                sub.append(":project/").append(projectId);
            }
            return sub.append(":connector/").append(connectorId).toString();
        }
    }

    /** A signed token; {@link #toString()} hides it. */
    public record IdToken(String token, String kid, Instant expiresAt) {
        @Override
        public String toString() {
            return "IdToken[kid=" + kid + ", expiresAt=" + expiresAt + "]";
        }
    }

    @Inject
    Issuers issuers;

    @Inject
    PolicyConfig config;

    /** A token for one connector, valid from now until the sooner of now + token-lifetime and the deadline. */
    public IdToken issue(SigningKeys.ActiveKey key, Subject subject, String audience, Instant now, Instant deadline) {
        long issuedAt = now.getEpochSecond();
        long longest = issuedAt + config.oidc().tokenLifetime().toSeconds();
        long expires = Math.min(longest, deadline.getEpochSecond());
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(issuers.issuer(subject.accountId()));
        claims.setSubject(subject.sub());
        claims.setAudience(audience);
        claims.setIssuedAt(NumericDate.fromSeconds(issuedAt));
        claims.setNotBefore(NumericDate.fromSeconds(issuedAt));
        claims.setExpirationTime(NumericDate.fromSeconds(expires));
        claims.setJwtId(UUID.randomUUID().toString());
        claims.setStringClaim("account_id", subject.accountId());
        claims.setStringClaim("organization_id", subject.orgId());
        claims.setStringClaim("project_id", subject.projectId());
        claims.setStringClaim("connector_id", subject.connectorId());
        claims.setStringClaim("build_id", subject.buildId());
        claims.setStringClaim("context", CONTEXT_BUILD);
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        jws.setKeyIdHeaderValue(key.kid());
        jws.setHeader("typ", "JWT");
        jws.setKey(key.privateKey());
        try {
            return new IdToken(jws.getCompactSerialization(), key.kid(), Instant.ofEpochSecond(expires));
        } catch (JoseException e) {
            throw new IllegalStateException("signing an ID token with kid " + key.kid() + " failed", e);
        }
    }
}
