package io.secureconnect.bench;

import io.grpc.ClientInterceptor;
import io.secureconnect.common.grpc.ClientAddress;
import io.secureconnect.proto.keyvalidator.v1.KeyValidatorGrpc;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * ValidateToken over gRPC, closed loop: {@code --callers} threads (default 32) with blocking stubs spread over
 * {@code --channels} TLS connections presenting {@code --identity} (a gateway's or a calling service's certificate),
 * each caller forwarding an agent address of its own as a gateway does, and cycling through the tokens of
 * {@code --tokens}; then, with {@code --rate}, the same calls at that fixed rate (open loop). Which path is
 * measured (cache hit or database read) depends on how the key-validator at {@code --target} is configured.
 */
public final class ValidateTokenBench {

    private ValidateTokenBench() {
    }

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        CpuProbe.services(args.get("pids", ""));
        Tokens tokens = new Tokens(Path.of(args.get("tokens")), args.get("account", "default"));
        int callers = args.integer("callers", 32);
        Identity identity = Identity.of(args.get("identity"));
        try (Channels channels = new Channels(args.get("target"), args.integer("channels", 4), identity)) {
            for (int i = 0; i < channels.size(); i++) {
                tokens.check(channels.get(i));
            }
            // Each caller plays one agent behind the gateway: its address travels with each call, as a gateway's does.
            List<KeyValidatorGrpc.KeyValidatorBlockingStub> stubs = new ArrayList<>();
            List<KeyValidatorGrpc.KeyValidatorStub> async = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                ClientInterceptor agent = ClientAddress.forwarding("10.0." + (i / 256) + "." + (i % 256));
                stubs.add(KeyValidatorGrpc.newBlockingStub(channels.get(i)).withInterceptors(agent));
                async.add(KeyValidatorGrpc.newStub(channels.get(i)).withInterceptors(agent));
            }
            Result result = ClosedLoop.run(args.get("label"), callers, args.seconds("warmup", 10),
                    args.seconds("duration", 20), (caller, iteration) -> ClosedLoop.timed(() ->
                            Tokens.requireValid(stubs.get(caller).validateToken(tokens.request(caller + iteration)))));
            result.report(args.get("out", null));
            int rate = args.integer("rate", 0);
            if (rate > 0) {
                // The same path at a fixed rate: the latency a caller sees at that load, not at 32 in flight.
                Result fixed = OpenLoop.run(args.get("label") + " @" + rate + "/s", rate, args.seconds("rate-warmup", 3),
                        args.seconds("duration", 20), (n, done) -> async.get((int) (n % callers))
                                .validateToken(tokens.request(n), Observers.of(done, Tokens::requireValid)), args.get("out", null));
                fixed.report(args.get("out", null));
            }
        }
    }
}
