package io.secureconnect.policy.network;

import io.secureconnect.common.identity.GrpcAccessPolicy;
import io.secureconnect.common.identity.Rule;
import io.secureconnect.proto.connectorpolicy.v1.ConnectorPolicyGrpc;
import jakarta.inject.Singleton;
import java.util.Map;

/**
 * Who may call connector-policy's gRPC methods (the README's security model): a runner (the platform's build
 * orchestrator) resolves the build network of any account; an API key or OIDC identity of an account, holding
 * {@link BuildNetworkCaller#PERMISSION} over the connectors of the build, resolves only that account's.
 */
@Singleton
public class PolicyAccess implements GrpcAccessPolicy {

    @Override
    public Map<String, Rule> rules() {
        return GrpcAccessPolicy.withReflection(Map.of(
                ConnectorPolicyGrpc.getResolveBuildNetworkMethod().getFullMethodName(),
                Rule.runners().or(Rule.accounts())));
    }
}
