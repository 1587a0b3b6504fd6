package io.secureconnect.policy.connector;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * OIDC credentials instead of stored secrets: the build gets an ID token from this platform and exchanges it
 * itself. Aws uses {@code roleArn} and {@code region}; Gcp uses {@code workloadPoolId}, {@code providerId},
 * {@code serviceAccountEmail} and {@code projectNumber}. The other type's fields are refused.
 */
@Schema(name = "ConnectorOidc")
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ConnectorOidc(
        @Schema(description = "Aws: the IAM role to assume, arn:aws:iam::<12 digits>:role/<name>") String roleArn,
        @Schema(description = "Aws: the region of the STS endpoint, e.g. eu-west-1") String region,
        @Schema(description = "Gcp: the workload identity pool id") String workloadPoolId,
        @Schema(description = "Gcp: the workload identity pool provider id") String providerId,
        @Schema(description = "Gcp: the service account to impersonate") String serviceAccountEmail,
        @Schema(description = "Gcp: the number (not the id) of the project holding the pool") String projectNumber) {

    /** The stored form of a connector's OIDC fields, or null when it has none. */
    static ConnectorOidc of(Connector connector) {
        if (connector.oidcRoleArn == null && connector.oidcWorkloadPoolId == null) {
            return null;
        }
        return new ConnectorOidc(connector.oidcRoleArn, connector.oidcRegion, connector.oidcWorkloadPoolId,
                connector.oidcProviderId, connector.oidcServiceAccountEmail, connector.oidcProjectNumber);
    }
}
