package io.secureconnect.policy.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Timestamp;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.quarkus.test.junit.QuarkusTest;
import io.secureconnect.policy.testsupport.Bodies;
import io.secureconnect.policy.testsupport.IdTokens;
import io.secureconnect.policy.testsupport.Keys;
import io.secureconnect.policy.testsupport.PolicyClient;
import io.secureconnect.policy.testsupport.Tunnels;
import io.secureconnect.proto.connectorpolicy.v1.CloudIdentityToken;
import io.secureconnect.proto.connectorpolicy.v1.ConnectorRef;
import io.secureconnect.proto.connectorpolicy.v1.ResolveBuildNetworkRequest;
import io.secureconnect.proto.connectorpolicy.v1.ResolveBuildNetworkResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * ResolveBuildNetwork returns an ID token per cloud connector with OIDC set; each is verified against the JWKS
 * the running service serves over HTTP, with nimbus-jose-jwt (the service signs with jose4j), claim by claim.
 */
@QuarkusTest
class CloudIdentityTokenTest {

    static final Map<String, Object> AWS_OIDC = Map.of("roleArn", "arn:aws:iam::123456789012:role/ci-deploy",
            "region", "us-east-1");
    static final Map<String, Object> GCP_OIDC = Map.of("workloadPoolId", "secure-connect",
            "providerId", "harness-builds", "serviceAccountEmail", "ci@payments-prod.iam.gserviceaccount.com",
            "projectNumber", "987654321098");
    static final String GCP_AUDIENCE = "//iam.googleapis.com/projects/987654321098/locations/global/"
            + "workloadIdentityPools/secure-connect/providers/harness-builds";

    private PolicyClient client;
    private Tunnels tunnels;
    private String account;

    @BeforeEach
    void clients() {
        client = new PolicyClient();
        tunnels = new Tunnels();
        account = Keys.newAccount();
    }

    @AfterEach
    void close() throws Exception {
        client.close();
        tunnels.close();
    }

    @Test
    void issuesAnAwsTokenThatVerifiesAgainstThePublishedKeysWithEveryClaim() throws Exception {
        create(null, null, Bodies.connector("aws", "Aws", spec("region", "eu-west-1", AWS_OIDC)), true);
        create(null, null, Bodies.gitHub("gh"), false);
        tunnels.connect(account, 30020, "gw-1.sc.example.net");
        Instant before = Instant.now().minusSeconds(1);
        Instant deadline = Instant.now().plus(Duration.ofHours(3));

        ResolveBuildNetworkResponse answer = client.stub().resolveBuildNetwork(request("build-7", deadline,
                ref("", "", "aws"), ref("", "", "gh")));

        assertEquals(1, answer.getCloudIdentityTokensCount(), "only the connector with OIDC gets a token");
        CloudIdentityToken token = answer.getCloudIdentityTokens(0);
        assertEquals(ref("", "", "aws"), token.getConnector());
        assertEquals("Aws", token.getConnectorType());
        assertEquals("sts.amazonaws.com", token.getAudience());
        assertEquals("arn:aws:iam::123456789012:role/ci-deploy", token.getAwsRoleArn());
        assertEquals("us-east-1", token.getAwsRegion());

        JWTClaimsSet claims = IdTokens.verify(token.getToken(), account, "sts.amazonaws.com");
        assertEquals(IdTokens.issuer(account), claims.getIssuer());
        assertEquals(List.of("sts.amazonaws.com"), claims.getAudience());
        assertEquals("account/" + account + ":connector/aws", claims.getSubject());
        assertEquals(account, claims.getStringClaim("account_id"));
        assertEquals("", claims.getStringClaim("organization_id"));
        assertEquals("", claims.getStringClaim("project_id"));
        assertEquals("aws", claims.getStringClaim("connector_id"));
        assertEquals("build-7", claims.getStringClaim("build_id"));
        assertEquals("build", claims.getStringClaim("context"));
        Instant issuedAt = claims.getIssueTime().toInstant();
        assertTrue(!issuedAt.isBefore(before.minusSeconds(1)) && !issuedAt.isAfter(Instant.now()), "iat " + issuedAt);
        assertEquals(issuedAt, claims.getNotBeforeTime().toInstant());
        assertEquals(issuedAt.plus(Duration.ofHours(1)), claims.getExpirationTime().toInstant(), "one hour at most");
        assertEquals(claims.getExpirationTime().toInstant().getEpochSecond(), token.getExpiresAt().getSeconds());
        UUID.fromString(claims.getJWTID());
        SignedJWT parsed = SignedJWT.parse(token.getToken());
        assertEquals(JWSAlgorithm.RS256, parsed.getHeader().getAlgorithm());
        assertEquals(JOSEObjectType.JWT, parsed.getHeader().getType());
    }

    @Test
    void issuesAGcpTokenForTheProviderThatEndsAtTheBuildDeadline() throws Exception {
        create("default", "payments", Bodies.connector("gcp", "Gcp", spec("project", "payments-prod", GCP_OIDC)), false);
        create(null, null, Bodies.connector("aws", "Aws", spec("region", "eu-west-1", AWS_OIDC)), false);
        Instant deadline = Instant.now().plus(Duration.ofMinutes(10));

        ResolveBuildNetworkResponse answer = client.stub().resolveBuildNetwork(request("build-8", deadline,
                ref("default", "payments", "gcp"), ref("", "", "aws")));

        assertEquals(2, answer.getCloudIdentityTokensCount());
        CloudIdentityToken gcp = answer.getCloudIdentityTokens(0);
        assertEquals(ref("default", "payments", "gcp"), gcp.getConnector());
        assertEquals(GCP_AUDIENCE, gcp.getAudience());
        assertEquals("ci@payments-prod.iam.gserviceaccount.com", gcp.getGcpServiceAccountEmail());
        JWTClaimsSet claims = IdTokens.verify(gcp.getToken(), account, GCP_AUDIENCE);
        assertEquals("account/" + account + ":org/default:project/payments:connector/gcp", claims.getSubject());
        assertEquals("default", claims.getStringClaim("organization_id"));
        assertEquals("payments", claims.getStringClaim("project_id"));
        assertEquals("gcp", claims.getStringClaim("connector_id"));
        assertEquals("build-8", claims.getStringClaim("build_id"));
        assertEquals(deadline.getEpochSecond(), claims.getExpirationTime().toInstant().getEpochSecond(),
                "never past the build's deadline");
        assertEquals(deadline.getEpochSecond(), gcp.getExpiresAt().getSeconds());

        CloudIdentityToken aws = answer.getCloudIdentityTokens(1);
        JWTClaimsSet awsClaims = IdTokens.verify(aws.getToken(), account, "sts.amazonaws.com");
        assertNotEquals(claims.getJWTID(), awsClaims.getJWTID(), "every token has its own jti");
    }

    @Test
    void aTokenDoesNotVerifyForAnotherAudienceAnotherIssuerOrAnotherKey() throws Exception {
        create(null, null, Bodies.connector("aws", "Aws", spec("region", "eu-west-1", AWS_OIDC)), false);
        String token = client.stub().resolveBuildNetwork(request("b1", Instant.now().plusSeconds(900),
                ref("", "", "aws"))).getCloudIdentityTokens(0).getToken();
        JWKSet published = IdTokens.jwks(account);
        assertThrows(BadJOSEException.class, () -> IdTokens.verify(token, published, account, "sts.example.com"));
        assertThrows(BadJOSEException.class, () -> IdTokens.verify(token, published, Keys.newAccount(),
                "sts.amazonaws.com"), "another account's issuer");

        // The same claims re-signed with a key we do not publish, under a published kid, must not verify.
        SignedJWT original = SignedJWT.parse(token);
        RSAKey impostor = new RSAKeyGenerator(2048).keyID(original.getHeader().getKeyID()).keyUse(KeyUse.SIGNATURE)
                .generate();
        SignedJWT forged = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256)
                .keyID(original.getHeader().getKeyID()).build(), original.getJWTClaimsSet());
        forged.sign(new RSASSASigner(impostor));
        assertThrows(BadJOSEException.class, () -> IdTokens.verify(forged.serialize(), published, account,
                "sts.amazonaws.com"));
    }

    @Test
    void issuesNoTokenForACloudConnectorWithoutOidc() {
        create(null, null, Bodies.connector("aws", "Aws", Map.of("region", "eu-west-1")), false);
        ResolveBuildNetworkResponse answer = client.stub().resolveBuildNetwork(request("b1",
                Instant.now().plusSeconds(600), ref("", "", "aws")));
        assertEquals(0, answer.getCloudIdentityTokensCount());
    }

    private static Map<String, Object> spec(String key, String value, Map<String, Object> oidc) {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put(key, value);
        spec.put("oidc", oidc);
        return spec;
    }

    private void create(String org, String project, Map<String, Object> body, boolean secureConnect) {
        Map<String, Object> full = new LinkedHashMap<>(body);
        full.put("secureConnect", Bodies.secureConnect(secureConnect, null));
        var request = Keys.asAdmin(account).body(full).queryParam("accountIdentifier", account);
        if (org != null) {
            request.queryParam("orgIdentifier", org);
        }
        if (project != null) {
            request.queryParam("projectIdentifier", project);
        }
        request.when().post("/api/v1/connectors").then().statusCode(201);
    }

    private ResolveBuildNetworkRequest request(String build, Instant deadline, ConnectorRef... refs) {
        return ResolveBuildNetworkRequest.newBuilder().setAccountId(account).setBuildId(build)
                .setBuildDeadline(Timestamp.newBuilder().setSeconds(deadline.getEpochSecond()).setNanos(deadline.getNano()))
                .addAllConnectors(List.of(refs)).build();
    }

    private static ConnectorRef ref(String org, String project, String identifier) {
        return ConnectorRef.newBuilder().setOrgId(org).setProjectId(project).setIdentifier(identifier).build();
    }
}
