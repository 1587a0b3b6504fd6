package io.secureconnect.common.identity;

import java.util.Map;

/**
 * Who may call each gRPC method a service serves: one bean per service, written next to its gRPC service and
 * listed in the README's security model. A method it does not name is refused to everyone (deny by default);
 * {@code grpc.health.v1.Health} is the only thing open to anonymous callers.
 */
public interface GrpcAccessPolicy {

    /** Full method name ({@code secureconnect.tunnelregistry.v1.TunnelRegistry/AcquireLease}) to its rule. */
    Map<String, Rule> rules();

    /** The service's own rules plus gRPC reflection for any machine identity (never for anonymous callers). */
    static Map<String, Rule> withReflection(Map<String, Rule> own) {
        Map<String, Rule> all = new java.util.HashMap<>(own);
        all.put("grpc.reflection.v1.ServerReflection/ServerReflectionInfo", Rule.anyPeer());
        all.put("grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo", Rule.anyPeer());
        return Map.copyOf(all);
    }
}
