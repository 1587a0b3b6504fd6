package io.secureconnect.policy.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.secureconnect.common.grpc.GrpcFailure;
import io.secureconnect.policy.config.PolicyConfig;
import io.secureconnect.policy.connector.Connector;
import io.secureconnect.policy.oidc.Issuers;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.lang.reflect.Field;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * With the issuer off (the default), a build that uses a connector with OIDC set is refused with a reason rather
 * than silently given no token; builds without such connectors are unaffected. Plain objects: no key is touched.
 */
class IssuerDisabledTest {

    @Test
    void refusesABuildWithAnOidcConnectorWhileTheIssuerIsOff() throws Exception {
        CloudTokens tokens = tokensWithIssuerOff();
        Connector aws = connector("aws", "Aws");
        aws.oidcRoleArn = "arn:aws:iam::123456789012:role/ci";
        aws.oidcRegion = "eu-west-1";

        StatusRuntimeException failure = assertThrows(StatusRuntimeException.class,
                () -> tokens.issue("acc1", "b1", List.of(aws), Instant.now(), Instant.now().plusSeconds(600)));

        assertEquals(Status.Code.FAILED_PRECONDITION, failure.getStatus().getCode());
        assertEquals("OIDC_ISSUER_DISABLED", GrpcFailure.reason(failure).orElseThrow());
        assertTrue(failure.getStatus().getDescription().contains("aws"));
    }

    @Test
    void issuesNothingAndRefusesNothingWithoutOidcConnectors() throws Exception {
        assertEquals(List.of(), tokensWithIssuerOff().issue("acc1", "b1", List.of(connector("gh", "GitHub")),
                Instant.now(), Instant.now().plusSeconds(600)));
    }

    private static Connector connector(String identifier, String type) {
        Connector connector = new Connector();
        connector.accountId = "acc1";
        connector.orgId = "";
        connector.projectId = "";
        connector.identifier = identifier;
        connector.type = type;
        return connector;
    }

    private static CloudTokens tokensWithIssuerOff() throws Exception {
        PolicyConfig config = new SmallRyeConfigBuilder().withMapping(PolicyConfig.class)
                .withSources(new PropertiesConfigSource(Map.of(PolicyConfig.SIGNING_KEY_FILE, "/key.pem"), "test", 100))
                .build().getConfigMapping(PolicyConfig.class);
        Issuers issuers = new Issuers();
        Field field = Issuers.class.getDeclaredField("config");
        field.setAccessible(true);
        field.set(issuers, config);
        CloudTokens tokens = new CloudTokens();
        tokens.issuers = issuers;
        return tokens;
    }
}
