package io.secureconnect.policy.network;

import com.google.protobuf.Timestamp;
import io.grpc.Status;
import io.secureconnect.common.grpc.GrpcFailure;
import io.secureconnect.policy.connector.Connector;
import io.secureconnect.policy.connector.ConnectorKey;
import io.secureconnect.policy.connector.ConnectorOidc;
import io.secureconnect.policy.connector.ConnectorType;
import io.secureconnect.policy.oidc.IdTokenIssuer;
import io.secureconnect.policy.oidc.Issuers;
import io.secureconnect.policy.oidc.SigningKeys;
import io.secureconnect.proto.connectorpolicy.v1.CloudIdentityToken;
import io.secureconnect.proto.connectorpolicy.v1.ConnectorRef;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The ID tokens of a build's cloud connectors with OIDC set: one per connector, audience sts.amazonaws.com for
 * Aws and the workload identity provider's resource name for Gcp. Tokens are secrets: never logged.
 */
@ApplicationScoped
public class CloudTokens {

    static final String AWS_AUDIENCE = "sts.amazonaws.com";

    @Inject
    Issuers issuers;

    @Inject
    SigningKeys keys;

    @Inject
    IdTokenIssuer issuer;

    List<CloudIdentityToken> issue(String accountId, String buildId, List<Connector> connectors, Instant now,
            Instant deadline) {
        List<Connector> federated = connectors.stream().filter(c -> c.oidc().isPresent()).toList();
        if (federated.isEmpty()) {
            return List.of();
        }
        if (!issuers.enabled()) {
            String names = federated.stream().map(c -> ConnectorKey.of(c).describe()).collect(Collectors.joining(", "));
            throw GrpcFailure.of(Status.Code.FAILED_PRECONDITION, "OIDC_ISSUER_DISABLED",
                    names + " use OIDC credentials but this platform's OIDC issuer is not enabled",
                    Map.of("connectors", names));
        }
        SigningKeys.ActiveKey key = keys.current();
        List<CloudIdentityToken> tokens = new ArrayList<>();
        for (Connector connector : federated) {
            ConnectorOidc oidc = connector.oidc().orElseThrow();
            ConnectorType type = connector.connectorType();
            String audience = type == ConnectorType.AWS ? AWS_AUDIENCE : gcpAudience(oidc);
            IdTokenIssuer.IdToken token = issuer.issue(key, new IdTokenIssuer.Subject(accountId, connector.orgId,
                    connector.projectId, connector.identifier, buildId), audience, now, deadline);
            CloudIdentityToken.Builder built = CloudIdentityToken.newBuilder()
                    .setConnector(ConnectorRef.newBuilder().setOrgId(connector.orgId)
                            .setProjectId(connector.projectId).setIdentifier(connector.identifier))
                    .setConnectorType(connector.type)
                    .setAudience(audience)
                    .setToken(token.token())
                    .setExpiresAt(Timestamp.newBuilder().setSeconds(token.expiresAt().getEpochSecond()));
            if (type == ConnectorType.AWS) {
                built.setAwsRoleArn(oidc.roleArn()).setAwsRegion(oidc.region());
            } else {
                built.setGcpServiceAccountEmail(oidc.serviceAccountEmail());
            }
            tokens.add(built.build());
        }
        return tokens;
    }

    static String gcpAudience(ConnectorOidc oidc) {
        return "//iam.googleapis.com/projects/" + oidc.projectNumber() + "/locations/global/workloadIdentityPools/"
                + oidc.workloadPoolId() + "/providers/" + oidc.providerId();
    }
}
