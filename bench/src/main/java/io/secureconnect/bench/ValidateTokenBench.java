package io.secureconnect.bench;

import io.secureconnect.proto.keyvalidator.v1.KeyValidatorGrpc;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * ValidateToken over gRPC, closed loop: {@code --callers} threads (default 32) with blocking stubs spread over
 * {@code --channels} connections, each caller cycling through the tokens of {@code --tokens}; then, with
 * {@code --rate}, the same calls at that fixed rate (open loop). Which path is
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
        try (Channels channels = new Channels(args.get("target"), args.integer("channels", 4))) {
            for (int i = 0; i < channels.size(); i++) {
                tokens.check(channels.get(i));
            }
            List<KeyValidatorGrpc.KeyValidatorBlockingStub> stubs = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                stubs.add(KeyValidatorGrpc.newBlockingStub(channels.get(i)));
            }
            Result result = ClosedLoop.run(args.get("label"), callers, args.seconds("warmup", 10),
                    args.seconds("duration", 20), (caller, iteration) -> ClosedLoop.timed(() ->
                            Tokens.requireValid(stubs.get(caller).validateToken(tokens.request(caller + iteration)))));
            result.report(args.get("out", null));
            int rate = args.integer("rate", 0);
            if (rate > 0) {
                // The same path at a fixed rate: the latency a caller sees at that load, not at 32 in flight.
                Result fixed = OpenLoop.run(args.get("label") + " @" + rate + "/s", rate, args.seconds("rate-warmup", 3),
                        args.seconds("duration", 20), (n, done) -> KeyValidatorGrpc.newStub(channels.get(n))
                                .validateToken(tokens.request(n), Observers.of(done, Tokens::requireValid)), args.get("out", null));
                fixed.report(args.get("out", null));
            }
        }
    }
}
