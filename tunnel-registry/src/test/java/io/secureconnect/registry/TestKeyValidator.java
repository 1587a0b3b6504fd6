package io.secureconnect.registry;

import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.NettyServerBuilder;
import io.secureconnect.common.grpc.GrpcFailure;
import io.secureconnect.common.keys.KeyValidatorWire;
import io.secureconnect.testing.TestPki;
import io.grpc.stub.StreamObserver;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.secureconnect.proto.keyvalidator.v1.CoverageKind;
import io.secureconnect.proto.keyvalidator.v1.DenialReason;
import io.secureconnect.proto.keyvalidator.v1.KeyType;
import io.secureconnect.proto.keyvalidator.v1.KeyValidatorGrpc;
import io.secureconnect.proto.keyvalidator.v1.Principal;
import io.secureconnect.proto.keyvalidator.v1.ResourceCoverage;
import io.secureconnect.proto.keyvalidator.v1.ValidateTokenRequest;
import io.secureconnect.proto.keyvalidator.v1.ValidateTokenResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * key-validator is another service of ours, outside this module: the tests run a gRPC server implementing its
 * contract on a loopback port chosen by the OS, over TLS demanding a client certificate of the test PKI as the real
 * one does, and point the {@code keyvalidator} client at it. The pairing
 * with the real key-validator is covered by the e2e suite.
 *
 * <p>Tokens look like real ones, {@code pat.<account>.<keyId>.<secret>}; the secret decides the answer, so each
 * test can make keys for its own account: {@code manage} (core_pipeline_view + core_secureconnect_manage, ABAC
 * All), {@code view} (core_pipeline_view, ABAC All), {@code narrow} (both permissions over a group that covers
 * nothing, e.g. a tag), {@code only_30001_30002} (both permissions over a group naming those ports),
 * {@code expired}, {@code revoked}; {@code key_throttled} and {@code rate_limited} are answered RESOURCE_EXHAUSTED
 * with that reason and a retry-after of 17 s, as key-validator throttles; anything else is unknown, and a token not of that shape is malformed. As
 * key-validator does, a request's resource must be covered (else ABAC_SCOPE_TOO_NARROW) and a request without one
 * is answered the coverage of its permissions' resource type.
 */
public class TestKeyValidator implements QuarkusTestResourceLifecycleManager {

    /** False makes every call fail with UNAVAILABLE, as when key-validator is down. */
    public static final AtomicBoolean AVAILABLE = new AtomicBoolean(true);
    /** How many ValidateToken calls arrived, to prove that a refused input never reached key-validator. */
    public static final AtomicInteger CALLS = new AtomicInteger();

    private static final Map<String, Set<String>> PERMISSIONS = Map.of(
            "manage", Set.of("core_pipeline_view", "core_secureconnect_manage"),
            "view", Set.of("core_pipeline_view"),
            "narrow", Set.of("core_pipeline_view", "core_secureconnect_manage"));

    /** key-validator's catalogue, for the permissions these tests use. */
    private static final Map<String, String> TYPES = Map.of("core_pipeline_view", "PIPELINE",
            "core_secureconnect_manage", "SECURE_CONNECT");

    private Server server;

    public static String token(String account, String keyId, String secret) {
        return "pat." + account + "." + keyId + "." + secret;
    }

    @Override
    public Map<String, String> start() {
        try {
            server = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                    .sslContext(TestPki.serverContext(TestPki.shared().identity("service/key-validator")))
                    .addService(new Service()).build().start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the test key-validator", e);
        }
        String port = String.valueOf(server.getPort());
        // test-port too: in tests a client's port otherwise defaults to the service's own test port.
        return Map.of("quarkus.grpc.clients.keyvalidator.host", "127.0.0.1",
                "quarkus.grpc.clients.keyvalidator.port", port,
                "quarkus.grpc.clients.keyvalidator.test-port", port);
    }

    @Override
    public void stop() {
        if (server != null) {
            server.shutdownNow();
            try {
                server.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    static final class Service extends KeyValidatorGrpc.KeyValidatorImplBase {

        @Override
        public void validateToken(ValidateTokenRequest request, StreamObserver<ValidateTokenResponse> answer) {
            CALLS.incrementAndGet();
            if (!AVAILABLE.get()) {
                answer.onError(Status.UNAVAILABLE.withDescription("test key-validator is down").asRuntimeException());
                return;
            }
            String secret = request.getToken().substring(request.getToken().lastIndexOf('.') + 1);
            if (secret.equals("key_throttled") || secret.equals("rate_limited")) {
                answer.onError(GrpcFailure.of(Status.Code.RESOURCE_EXHAUSTED, secret.toUpperCase(Locale.ROOT),
                        "too many failures", Map.of(KeyValidatorWire.RETRY_AFTER, "17")));
                return;
            }
            answer.onNext(validate(request));
            answer.onCompleted();
        }

        private static ValidateTokenResponse validate(ValidateTokenRequest request) {
            String[] parts = request.getToken().split("\\.", -1);
            if (parts.length != 4 || !parts[0].equals("pat") || parts[1].isEmpty() || parts[2].isEmpty()) {
                return denied(DenialReason.DENIAL_REASON_MALFORMED);
            }
            String account = parts[1];
            String secret = parts[3];
            if (secret.equals("expired")) {
                return denied(DenialReason.DENIAL_REASON_EXPIRED);
            }
            if (secret.equals("revoked")) {
                return denied(DenialReason.DENIAL_REASON_REVOKED);
            }
            Set<String> only = secret.startsWith("only_")
                    ? new TreeSet<>(List.of(secret.substring(5).split("_"))) : null;
            if (secret.equals("narrow")) {
                only = Set.of();
            }
            Set<String> granted = only != null ? PERMISSIONS.get("manage") : PERMISSIONS.get(secret);
            if (granted == null) {
                return denied(DenialReason.DENIAL_REASON_UNKNOWN);
            }
            if (!request.getExpectedAccountId().isEmpty() && !request.getExpectedAccountId().equals(account)) {
                return denied(DenialReason.DENIAL_REASON_WRONG_ACCOUNT);
            }
            List<String> missing = new ArrayList<>(request.getRequiredPermissionsList());
            missing.removeAll(granted);
            if (!missing.isEmpty()) {
                return denied(DenialReason.DENIAL_REASON_MISSING_PERMISSION).toBuilder()
                        .addAllMissingPermissions(missing).build();
            }
            Principal principal = Principal.newBuilder().setAccountId(account).setApiKeyId(parts[2])
                    .setTokenId(parts[2] + "-token").setKeyType(KeyType.KEY_TYPE_USER).build();
            if ((request.getRequireAbacAll() && only != null)
                    || (request.hasResource() && only != null && !only.contains(request.getResource().getIdentifier()))) {
                return denied(DenialReason.DENIAL_REASON_ABAC_SCOPE_TOO_NARROW).toBuilder().setPrincipal(principal)
                        .build();
            }
            ValidateTokenResponse.Builder answer = ValidateTokenResponse.newBuilder().setValid(true)
                    .setPrincipal(principal).addAllGrantedPermissions(granted.stream().sorted().toList());
            Set<String> types = new TreeSet<>();
            request.getRequiredPermissionsList().forEach(permission -> types.add(TYPES.getOrDefault(permission, "UNKNOWN")));
            if (!request.hasResource() && types.size() == 1) {
                ResourceCoverage.Builder coverage = ResourceCoverage.newBuilder().setResourceType(types.iterator().next());
                if (only == null) {
                    coverage.setKind(CoverageKind.COVERAGE_KIND_ALL);
                } else {
                    coverage.setKind(CoverageKind.COVERAGE_KIND_IDENTIFIERS).addAllIdentifiers(only);
                }
                answer.setCoverage(coverage);
            }
            return answer.build();
        }

        private static ValidateTokenResponse denied(DenialReason reason) {
            return ValidateTokenResponse.newBuilder().setValid(false).setReason(reason)
                    .setMessage(reason.name()).build();
        }
    }
}
