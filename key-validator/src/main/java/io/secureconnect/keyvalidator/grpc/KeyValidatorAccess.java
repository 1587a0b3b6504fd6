package io.secureconnect.keyvalidator.grpc;

import io.secureconnect.common.identity.GrpcAccessPolicy;
import io.secureconnect.common.identity.Rule;
import io.secureconnect.proto.keyvalidator.v1.KeyValidatorGrpc;
import jakarta.inject.Singleton;
import java.util.Map;

/**
 * Who may call key-validator's gRPC methods (the README's security model): the services and gateways that check
 * API keys validate tokens; only gateways, which close the tunnels of revoked keys, watch revocations.
 */
@Singleton
public class KeyValidatorAccess implements GrpcAccessPolicy {

    @Override
    public Map<String, Rule> rules() {
        return GrpcAccessPolicy.withReflection(Map.of(
                KeyValidatorGrpc.getValidateTokenMethod().getFullMethodName(),
                Rule.services("tunnel-registry", "connector-policy").or(Rule.gateways()),
                KeyValidatorGrpc.getWatchRevocationsMethod().getFullMethodName(), Rule.gateways()));
    }
}
