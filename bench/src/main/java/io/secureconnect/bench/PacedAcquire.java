package io.secureconnect.bench;

import io.grpc.stub.StreamObserver;
import io.secureconnect.proto.tunnelregistry.v1.AcquireLeaseRequest;
import io.secureconnect.proto.tunnelregistry.v1.AcquireLeaseResponse;
import io.secureconnect.proto.tunnelregistry.v1.Lease;
import io.secureconnect.proto.tunnelregistry.v1.ReleaseLeaseResponse;
import io.secureconnect.proto.tunnelregistry.v1.TunnelRegistryGrpc;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.IntFunction;

/**
 * AcquireLease at a fixed rate spread over the requesters in turn (open loop, {@link OpenLoop}): latency of the
 * acquire from when it was due; each grant is then released asynchronously (not measured). The question it answers:
 * at a given rate of (re)connections from 100 requesters, what p99 does a gateway see.
 */
final class PacedAcquire {

    private PacedAcquire() {
    }

    static Result run(List<TunnelRegistryGrpc.TunnelRegistryStub> stubs, IntFunction<AcquireLeaseRequest> request,
            int rate, Duration warmup, Duration duration, String out) throws InterruptedException {
        AtomicLong turn = new AtomicLong();
        AtomicLong releaseErrors = new AtomicLong();
        Result result = OpenLoop.run("AcquireLease @" + rate + "/s", rate, warmup, duration, (n, done) -> {
            int requester = (int) (turn.getAndIncrement() % stubs.size());
            TunnelRegistryGrpc.TunnelRegistryStub stub = stubs.get(requester);
            stub.acquireLease(request.apply(requester), new StreamObserver<>() {
                Lease lease;

                @Override
                public void onNext(AcquireLeaseResponse response) {
                    lease = response.getLease();
                }

                @Override
                public void onError(Throwable t) {
                    done.accept(t);
                }

                @Override
                public void onCompleted() {
                    done.accept(null);
                    stub.releaseLease(AcquireLeaseBench.release(lease), ignoring(t -> releaseErrors.incrementAndGet()));
                }
            });
        }, out);
        if (releaseErrors.get() > 0) {
            System.out.printf("    %d releases failed (a requester's next acquire resumed its port first)%n",
                    releaseErrors.get());
        }
        return result;
    }

    private static StreamObserver<ReleaseLeaseResponse> ignoring(Consumer<Throwable> onError) {
        return new StreamObserver<>() {
            @Override
            public void onNext(ReleaseLeaseResponse response) {
            }

            @Override
            public void onError(Throwable t) {
                onError.accept(t);
            }

            @Override
            public void onCompleted() {
            }
        };
    }
}
