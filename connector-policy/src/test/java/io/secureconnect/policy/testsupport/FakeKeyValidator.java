package io.secureconnect.policy.testsupport;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.secureconnect.common.grpc.GrpcFailure;
import io.secureconnect.proto.keyvalidator.v1.CoverageKind;
import io.secureconnect.proto.keyvalidator.v1.DenialReason;
import io.secureconnect.proto.keyvalidator.v1.KeyType;
import io.secureconnect.proto.keyvalidator.v1.KeyValidatorGrpc;
import io.secureconnect.proto.keyvalidator.v1.Principal;
import io.secureconnect.proto.keyvalidator.v1.Resource;
import io.secureconnect.proto.keyvalidator.v1.ResourceCoverage;
import io.secureconnect.proto.keyvalidator.v1.ValidateTokenRequest;
import io.secureconnect.proto.keyvalidator.v1.ValidateTokenResponse;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * key-validator is another service of ours, not part of this module: this in-test server speaks its real gRPC
 * contract so that connector-policy's client, deadlines and error mapping run for real. The real pairing is
 * covered by the e2e suite. Its answers follow from the token's text (see {@link Keys#token}), so tests need no
 * shared state with it: {@code pat.<account>.<words>.<secret>} where words are joined by '-':
 * view/edit/delete/access grant core_connector_*, execute core_pipeline_execute, org_X limits the key to org X,
 * revoked and expired deny it, ratelimited answers RESOURCE_EXHAUSTED as key-validator's rate limit does (throttled:
 * as its per-key failure budget does). A key of another account than the expected one is WRONG_ACCOUNT. only_X
 * (repeatable) narrows the key's resource group to the resources named X (without it the group is ABAC All): a
 * request's resource (or each of its resources) must be one of them (and inside the key's org), else
 * ABAC_SCOPE_TOO_NARROW with the principal, and a request without a resource is answered their coverage, as
 * key-validator does.
 */
public class FakeKeyValidator extends KeyValidatorGrpc.KeyValidatorImplBase {

    public static final String SECRET = "s3cretpart";
    static final Metadata.Key<String> CLIENT_ADDRESS =
            Metadata.Key.of("secureconnect-client-address", Metadata.ASCII_STRING_MARSHALLER);
    static final Context.Key<String> CLIENT_ADDRESS_SEEN = Context.key("client-address");

    /** Puts the secureconnect-client-address header of a call where the service reads it. */
    public static ServerServiceDefinition withClientAddress(FakeKeyValidator service) {
        return ServerInterceptors.intercept(service, new ServerInterceptor() {
            @Override
            public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
                    ServerCallHandler<Q, A> next) {
                return Contexts.interceptCall(Context.current().withValue(CLIENT_ADDRESS_SEEN, headers.get(CLIENT_ADDRESS)),
                        call, headers, next);
            }
        });
    }
    public final AtomicInteger calls = new AtomicInteger();

    @Override
    public void validateToken(ValidateTokenRequest request, StreamObserver<ValidateTokenResponse> responses) {
        calls.incrementAndGet();
        if (request.getToken().contains(".ratelimited.")) {
            // What key-validator answers once one client sent too many bad tokens. It counts per client address,
            // which connector-policy must name for its REST callers: without it, the fake refuses differently.
            if (CLIENT_ADDRESS_SEEN.get() == null) {
                responses.onError(Status.FAILED_PRECONDITION.withDescription("no client address").asRuntimeException());
                return;
            }
            responses.onError(GrpcFailure.of(Status.Code.RESOURCE_EXHAUSTED, "RATE_LIMITED", "too many bad tokens",
                    Map.of("retry-after", "17")));
            return;
        }
        if (request.getToken().contains(".throttled.")) {
            // What key-validator answers a failing use of a token id over its own failure budget.
            responses.onError(GrpcFailure.of(Status.Code.RESOURCE_EXHAUSTED, "KEY_THROTTLED",
                    "too many failed uses of this token id", Map.of("retry-after", "42")));
            return;
        }
        responses.onNext(answer(request));
        responses.onCompleted();
    }

    private static ValidateTokenResponse answer(ValidateTokenRequest request) {
        String[] parts = request.getToken().split("\\.", -1);
        if (parts.length != 4 || !(parts[0].equals("pat") || parts[0].equals("sat"))) {
            return denied(DenialReason.DENIAL_REASON_MALFORMED, List.of());
        }
        if (!parts[3].equals(SECRET)) {
            return denied(DenialReason.DENIAL_REASON_UNKNOWN, List.of());
        }
        Set<String> granted = new LinkedHashSet<>();
        Set<String> only = new TreeSet<>();
        String org = "";
        for (String word : parts[2].split("-")) {
            switch (word) {
                case "view", "edit", "delete", "access" -> granted.add("core_connector_" + word);
                case "execute" -> granted.add("core_pipeline_execute");
                case "revoked" -> {
                    return denied(DenialReason.DENIAL_REASON_REVOKED, List.of());
                }
                case "expired" -> {
                    return denied(DenialReason.DENIAL_REASON_EXPIRED, List.of());
                }
                default -> {
                    if (word.startsWith("org_")) {
                        org = word.substring(4);
                    } else if (word.startsWith("only_")) {
                        only.add(word.substring(5));
                    }
                }
            }
        }
        if (!request.getExpectedAccountId().isEmpty() && !request.getExpectedAccountId().equals(parts[1])) {
            return denied(DenialReason.DENIAL_REASON_WRONG_ACCOUNT, List.of());
        }
        List<String> missing = new ArrayList<>(request.getRequiredPermissionsList());
        missing.removeAll(granted);
        if (!missing.isEmpty()) {
            return denied(DenialReason.DENIAL_REASON_MISSING_PERMISSION, missing);
        }
        Principal principal = Principal.newBuilder().setAccountId(parts[1]).setOrgId(org).setApiKeyId("key-" + parts[2])
                .setTokenId(parts[2]).setKeyType(KeyType.KEY_TYPE_USER).build();
        List<Resource> resources = request.hasResource() ? List.of(request.getResource()) : request.getResourcesList();
        String keyOrg = org;
        boolean insideOrg = org.isEmpty() || (!resources.isEmpty()
                ? resources.stream().allMatch(resource -> keyOrg.equals(resource.getScope().getOrgId()))
                : !request.hasCoverageScope() || org.equals(request.getCoverageScope().getOrgId()));
        boolean allNamed = resources.stream().allMatch(resource -> only.contains(resource.getIdentifier()));
        if ((request.getRequireAbacAll() && !only.isEmpty())
                || (!resources.isEmpty() && (!insideOrg || !only.isEmpty() && !allNamed))) {
            return denied(DenialReason.DENIAL_REASON_ABAC_SCOPE_TOO_NARROW, List.of()).toBuilder()
                    .setPrincipal(principal).build();
        }
        ValidateTokenResponse.Builder answer = ValidateTokenResponse.newBuilder().setValid(true).setPrincipal(principal)
                .addAllGrantedPermissions(granted);
        String type = resourceType(request.getRequiredPermissionsList());
        if (resources.isEmpty() && type != null) {
            ResourceCoverage.Builder coverage = ResourceCoverage.newBuilder().setResourceType(type);
            if (!insideOrg) {
                coverage.setKind(CoverageKind.COVERAGE_KIND_IDENTIFIERS);
            } else if (only.isEmpty()) {
                coverage.setKind(CoverageKind.COVERAGE_KIND_ALL);
            } else {
                coverage.setKind(CoverageKind.COVERAGE_KIND_IDENTIFIERS).addAllIdentifiers(only);
            }
            answer.setCoverage(coverage);
        }
        return answer.build();
    }

    /** The one resource type of the permissions, as key-validator's catalogue says; null for none or several. */
    private static String resourceType(List<String> permissions) {
        Set<String> types = new TreeSet<>();
        for (String permission : permissions) {
            types.add(permission.startsWith("core_connector_") ? "CONNECTOR" : "PIPELINE");
        }
        return types.size() == 1 ? types.iterator().next() : null;
    }

    private static ValidateTokenResponse denied(DenialReason reason, List<String> missing) {
        return ValidateTokenResponse.newBuilder().setValid(false).setReason(reason)
                .addAllMissingPermissions(missing).setMessage(reason.name()).build();
    }
}
