package io.secureconnect.policy.network;

import io.secureconnect.common.input.Identifiers;
import com.google.protobuf.Timestamp;
import io.grpc.Status;
import io.secureconnect.common.grpc.GrpcFailure;
import io.secureconnect.policy.connector.ConnectorKey;
import io.secureconnect.policy.connector.ConnectorRules;
import io.secureconnect.proto.connectorpolicy.v1.ConnectorRef;
import io.secureconnect.proto.connectorpolicy.v1.ResolveBuildNetworkRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Checks a ResolveBuildNetwork request: INVALID_ARGUMENT (reason INVALID_FIELD, fact field) naming what is wrong. */
final class BuildNetworkRequestRules {

    static final Pattern BUILD_ID = Pattern.compile("^[A-Za-z0-9._:/-]{1,128}$");
    static final int MAX_CONNECTORS = 100;

    private BuildNetworkRequestRules() {
    }

    /** The connectors the build names, without repeats, in the order given. */
    static List<ConnectorKey> check(ResolveBuildNetworkRequest request, Instant now) {
        if (!Identifiers.isValid(request.getAccountId())) {
            throw invalid("account_id", "account_id " + Identifiers.RULE);
        }
        if (!BUILD_ID.matcher(request.getBuildId()).matches()) {
            throw invalid("build_id", "build_id must be 1 to 128 letters, digits or . _ : / -");
        }
        if (!request.hasBuildDeadline()) {
            throw invalid("build_deadline", "build_deadline is required: the proxy credential lives until then");
        }
        Instant deadline = instant(request.getBuildDeadline());
        if (!deadline.isAfter(now.plusSeconds(1))) {
            throw GrpcFailure.of(Status.Code.INVALID_ARGUMENT, "BUILD_DEADLINE_PASSED",
                    "build_deadline " + deadline + " is not in the future (now " + now + ")",
                    Map.of("field", "build_deadline"));
        }
        if (request.getConnectorsCount() > MAX_CONNECTORS) {
            throw invalid("connectors", "a build may name at most " + MAX_CONNECTORS + " connectors");
        }
        LinkedHashSet<ConnectorKey> keys = new LinkedHashSet<>();
        for (int i = 0; i < request.getConnectorsCount(); i++) {
            keys.add(key(request.getConnectors(i), "connectors[" + i + "]"));
        }
        return new ArrayList<>(keys);
    }

    private static ConnectorKey key(ConnectorRef ref, String where) {
        if (!ConnectorRules.validIdentifier(ref.getIdentifier())) {
            throw invalid(where + ".identifier", where + ".identifier must match " + ConnectorRules.IDENTIFIER_PATTERN);
        }
        if (!ref.getOrgId().isEmpty() && !ConnectorRules.validIdentifier(ref.getOrgId())) {
            throw invalid(where + ".org_id", where + ".org_id must be empty or match " + ConnectorRules.IDENTIFIER_PATTERN);
        }
        if (!ref.getProjectId().isEmpty() && !ConnectorRules.validIdentifier(ref.getProjectId())) {
            throw invalid(where + ".project_id",
                    where + ".project_id must be empty or match " + ConnectorRules.IDENTIFIER_PATTERN);
        }
        if (!ref.getProjectId().isEmpty() && ref.getOrgId().isEmpty()) {
            throw invalid(where + ".org_id", where + " names a project without its org");
        }
        return new ConnectorKey(ref.getOrgId(), ref.getProjectId(), ref.getIdentifier());
    }

    static Instant instant(Timestamp timestamp) {
        return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos());
    }

    private static RuntimeException invalid(String field, String message) {
        return GrpcFailure.of(Status.Code.INVALID_ARGUMENT, "INVALID_FIELD", message, Map.of("field", field));
    }
}
