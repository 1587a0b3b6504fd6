package io.secureconnect.bench;

import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A few plain-text gRPC channels to one service (each its own HTTP/2 connection, like several gateways or
 * runners); callers are spread over them.
 */
final class Channels implements AutoCloseable {

    private final List<ManagedChannel> channels = new ArrayList<>();

    Channels(String hostPort, int count) {
        int colon = hostPort.lastIndexOf(':');
        String host = hostPort.substring(0, colon);
        int port = Integer.parseInt(hostPort.substring(colon + 1));
        for (int i = 0; i < count; i++) {
            // answers are handled on the channel's event loop: the benchmarks' callbacks only record and start the next call
            channels.add(NettyChannelBuilder.forAddress(host, port).usePlaintext().directExecutor().build());
        }
    }

    ManagedChannel get(long index) {
        return channels.get((int) (index % channels.size()));
    }

    int size() {
        return channels.size();
    }

    @Override
    public void close() throws InterruptedException {
        for (ManagedChannel channel : channels) {
            channel.shutdownNow();
        }
        for (ManagedChannel channel : channels) {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
