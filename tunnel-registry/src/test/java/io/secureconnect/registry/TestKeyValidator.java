package io.secureconnect.registry;

import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.NettyServerBuilder;
import io.secureconnect.testing.TestPki;
import io.grpc.stub.StreamObserver;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.secureconnect.proto.keyvalidator.v1.DenialReason;
import io.secureconnect.proto.keyvalidator.v1.KeyType;
import io.secureconnect.proto.keyvalidator.v1.KeyValidatorGrpc;
import io.secureconnect.proto.keyvalidator.v1.Principal;
import io.secureconnect.proto.keyvalidator.v1.ValidateTokenRequest;
import io.secureconnect.proto.keyvalidator.v1.ValidateTokenResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * All), {@code view} (core_pipeline_view, ABAC All), {@code narrow} (both permissions, ABAC not All),
 * {@code expired}, {@code revoked}; anything else is unknown, and a token not of that shape is malformed.
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
            Set<String> granted = PERMISSIONS.get(secret);
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
            if (request.getRequireAbacAll() && secret.equals("narrow")) {
                return denied(DenialReason.DENIAL_REASON_ABAC_SCOPE_TOO_NARROW);
            }
            return ValidateTokenResponse.newBuilder().setValid(true)
                    .setPrincipal(Principal.newBuilder().setAccountId(account).setApiKeyId(parts[2])
                            .setTokenId(parts[2] + "-token").setKeyType(KeyType.KEY_TYPE_USER))
                    .addAllGrantedPermissions(granted.stream().sorted().toList()).build();
        }

        private static ValidateTokenResponse denied(DenialReason reason) {
            return ValidateTokenResponse.newBuilder().setValid(false).setReason(reason)
                    .setMessage(reason.name()).build();
        }
    }
}
