package io.secureconnect.bench;

import com.google.protobuf.Timestamp;
import io.secureconnect.proto.connectorpolicy.v1.ConnectorPolicyGrpc;
import io.secureconnect.proto.connectorpolicy.v1.ConnectorRef;
import io.secureconnect.proto.connectorpolicy.v1.ResolveBuildNetworkRequest;
import io.secureconnect.proto.connectorpolicy.v1.ResolveBuildNetworkResponse;
import io.secureconnect.proto.connectorpolicy.v1.Route;
import io.secureconnect.proto.keyvalidator.v1.KeyValidatorGrpc;
import io.secureconnect.proto.keyvalidator.v1.ValidateTokenResponse;
import io.secureconnect.proto.tunnelregistry.v1.AcquireLeaseRequest;
import io.secureconnect.proto.tunnelregistry.v1.Lease;
import io.secureconnect.proto.tunnelregistry.v1.RenewLeaseRequest;
import io.secureconnect.proto.tunnelregistry.v1.TunnelRegistryGrpc;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * connector-policy ResolveBuildNetwork for a build naming {@code --connectors} (comma-separated identifiers of
 * account-level connectors with Secure Connect on), at a fixed rate (open loop, default 500/s); the account's
 * tunnel is made connected first (a registered gateway and a lease kept alive, as a gateway would: as
 * {@code --gateway-identity}), and the resolutions are asked as a runner ({@code --runner-identity}). Baseline in
 * the same run, measured first (so that a resolve backlog cannot slow it): ValidateToken with a warm cache at the
 * same rate against {@code --key-validator}, as the gateway.
 */
public final class ResolveBuildNetworkBench {

    private ResolveBuildNetworkBench() {
    }

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        String account = args.get("account", "default");
        List<String> connectors = List.of(args.get("connectors").split(","));
        int rate = args.integer("rate", 500);
        Duration warmup = args.seconds("warmup", 10);
        Duration duration = args.seconds("duration", 20);
        String out = args.get("out", null);
        Tokens tokens = new Tokens(Path.of(args.get("tokens")), account);
        int channelCount = args.integer("channels", 4);
        // The tunnel and the baseline's validations as a gateway; resolutions as a runner (the build orchestrator).
        Identity gatewayIdentity = Identity.of(args.get("gateway-identity"));
        Identity runner = Identity.of(args.get("runner-identity"));
        try (Channels registry = new Channels(args.get("registry"), 1, gatewayIdentity);
                Channels policy = new Channels(args.get("policy"), channelCount, runner);
                Channels keys = new Channels(args.get("key-validator"), channelCount, gatewayIdentity);
                GatewayKeeper gateway = new GatewayKeeper(registry.get(0), gatewayIdentity)) {
            TunnelRegistryGrpc.TunnelRegistryBlockingStub leases = TunnelRegistryGrpc.newBlockingStub(registry.get(0));
            Lease lease = leases.withDeadlineAfter(10, TimeUnit.SECONDS).acquireLease(AcquireLeaseRequest.newBuilder()
                    .setAccountId(account).setPort(0).setApiKeyId("bench-agent-key").setGatewayId(gateway.id())
                    .setAgentId("bench-agent").setAgentHost("bench-host").setAgentVersion("bench")
                    .setReceipt(BenchReceipts.of(args.get("receipt-signer")).receipt(account, "bench-agent-key",
                            gateway.id())).build()).getLease();
            gateway.every(5, () -> leases.withDeadlineAfter(5, TimeUnit.SECONDS).renewLease(RenewLeaseRequest.newBuilder()
                    .setAccountId(account).setPort(lease.getPort()).setEpoch(lease.getEpoch())
                    .setGatewayId(lease.getGatewayId()).build()));
            System.out.printf("  tunnel of account %s connected on port %d (epoch %d)%n", account, lease.getPort(),
                    lease.getEpoch());

            ResolveBuildNetworkResponse sample = ConnectorPolicyGrpc.newBlockingStub(policy.get(0))
                    .withDeadlineAfter(10, TimeUnit.SECONDS).resolveBuildNetwork(request(account, connectors, 0));
            requireTunnel(sample, connectors.size(), lease.getPort());
            System.out.printf("  a build of %d connectors resolves to %d tunnel routes, %d allowlisted hosts, port %d%n",
                    connectors.size(), sample.getRoutesCount(), sample.getDestinationAllowlistCount(),
                    sample.getTunnelPort());

            for (int i = 0; i < keys.size(); i++) {
                tokens.check(keys.get(i));
            }
            CpuProbe.services(args.get("key-validator-pids", ""));
            Result validate = OpenLoop.run("baseline ValidateToken warm", rate, warmup, duration,
                    (n, done) -> KeyValidatorGrpc.newStub(keys.get(n)).validateToken(tokens.request(n),
                            Observers.of(done, (ValidateTokenResponse response) -> Tokens.requireValid(response))), out);
            validate.report(out);

            CpuProbe.services(args.get("policy-pids", "")); // connector-policy and the registry it asks
            Result resolve = OpenLoop.run("ResolveBuildNetwork (" + connectors.size() + " connectors)", rate, warmup,
                    duration, (n, done) -> ConnectorPolicyGrpc.newStub(policy.get(n))
                            .resolveBuildNetwork(request(account, connectors, n), Observers.of(done,
                                    response -> requireTunnel(response, connectors.size(), lease.getPort()))), out);
            resolve.report(out);

        }
    }

    private static ResolveBuildNetworkRequest request(String account, List<String> connectors, long n) {
        Instant deadline = Instant.now().plusSeconds(3600);
        ResolveBuildNetworkRequest.Builder request = ResolveBuildNetworkRequest.newBuilder().setAccountId(account)
                .setBuildId("bench-build-" + n)
                .setBuildDeadline(Timestamp.newBuilder().setSeconds(deadline.getEpochSecond()));
        connectors.forEach(id -> request.addConnectors(ConnectorRef.newBuilder().setIdentifier(id)));
        return request.build();
    }

    private static void requireTunnel(ResolveBuildNetworkResponse response, int connectors, int port) {
        long tunnelled = response.getRoutesList().stream().filter(r -> r.getRoute() == Route.ROUTE_TUNNEL).count();
        if (tunnelled != connectors || response.getTunnelPort() != port || response.getHarnessHttpsProxy().isEmpty()) {
            throw new IllegalStateException("expected " + connectors + " tunnel routes on port " + port + ", got "
                    + tunnelled + " on port " + response.getTunnelPort());
        }
    }
}
