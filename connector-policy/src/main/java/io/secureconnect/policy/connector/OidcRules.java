package io.secureconnect.policy.connector;

import java.util.function.BiConsumer;
import java.util.regex.Pattern;

/** Format checks of a connector's {@code spec.oidc}; each fault is reported with the field's full name. */
final class OidcRules {

    /** arn:aws:iam::<12 digits>:role/<optional path/><name> (also the aws-cn and aws-us-gov partitions). */
    static final Pattern ROLE_ARN = Pattern.compile(
            "^arn:aws(-cn|-us-gov)?:iam::[0-9]{12}:role/(?:[\\w+=,.@-]{1,64}/){0,16}[\\w+=,.@-]{1,64}$");
    /** Pool and provider ids: 4 to 32 lower-case letters, digits or '-', not starting or ending with '-'. */
    static final Pattern GCP_ID = Pattern.compile("^[a-z0-9][a-z0-9-]{2,30}[a-z0-9]$");
    static final Pattern SERVICE_ACCOUNT = Pattern.compile(
            "^[a-z0-9][a-z0-9._-]{0,62}@[a-z0-9][a-z0-9-]{0,62}(\\.[a-z0-9][a-z0-9-]{0,62})*\\.gserviceaccount\\.com$");
    static final Pattern PROJECT_NUMBER = Pattern.compile("^[1-9][0-9]{0,19}$");
    static final int MAX_ROLE_ARN = 2048;

    private OidcRules() {
    }

    static void check(ConnectorType type, ConnectorOidc oidc, BiConsumer<String, String> error) {
        if (oidc == null) {
            return;
        }
        String at = "spec.oidc.";
        switch (type) {
            case AWS -> {
                if (oidc.roleArn() == null || oidc.roleArn().length() > MAX_ROLE_ARN
                        || !ROLE_ARN.matcher(oidc.roleArn()).matches()) {
                    error.accept(at + "roleArn", "must be an IAM role ARN such as arn:aws:iam::123456789012:role/ci");
                }
                if (oidc.region() == null || !ImpliedHosts.AWS_REGION.matcher(oidc.region()).matches()) {
                    error.accept(at + "region", "must be an AWS region such as us-east-1 or eu-west-2");
                }
                String unused = " is not used by Aws connectors";
                forbid(at + "workloadPoolId", oidc.workloadPoolId(), unused, error);
                forbid(at + "providerId", oidc.providerId(), unused, error);
                forbid(at + "serviceAccountEmail", oidc.serviceAccountEmail(), unused, error);
                forbid(at + "projectNumber", oidc.projectNumber(), unused, error);
            }
            case GCP -> {
                gcpId(at + "workloadPoolId", oidc.workloadPoolId(), error);
                gcpId(at + "providerId", oidc.providerId(), error);
                if (oidc.serviceAccountEmail() == null || oidc.serviceAccountEmail().length() > 320
                        || !SERVICE_ACCOUNT.matcher(oidc.serviceAccountEmail()).matches()) {
                    error.accept(at + "serviceAccountEmail",
                            "must be a service account email such as ci@my-project.iam.gserviceaccount.com");
                }
                if (oidc.projectNumber() == null || !PROJECT_NUMBER.matcher(oidc.projectNumber()).matches()) {
                    error.accept(at + "projectNumber", "must be a GCP project number (digits, e.g. 123456789012)");
                }
                String unused = " is not used by Gcp connectors";
                forbid(at + "roleArn", oidc.roleArn(), unused, error);
                forbid(at + "region", oidc.region(), unused, error);
            }
            default -> error.accept("spec.oidc", "OIDC credentials are for Aws and Gcp connectors, not "
                    + type.wireName());
        }
    }

    private static void gcpId(String field, String value, BiConsumer<String, String> error) {
        if (value == null || !GCP_ID.matcher(value).matches() || value.startsWith("gcp-")) {
            error.accept(field, "must be 4 to 32 lower-case letters, digits or '-', not starting or ending with '-' "
                    + "and not starting with 'gcp-'");
        }
    }

    private static void forbid(String field, String value, String why, BiConsumer<String, String> error) {
        if (value != null) {
            error.accept(field, why.trim());
        }
    }
}
