package io.secureconnect.bench;

import io.grpc.ManagedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A few TLS gRPC channels to one service, each presenting {@code identity}'s certificate (each its own HTTP/2
 * connection, like several gateways or runners); callers are spread over them. {@code hostPorts} may name several
 * replicas of the service, comma-separated: channel {@code i} goes to replica {@code i % replicas}.
 */
final class Channels implements AutoCloseable {

    private final List<ManagedChannel> channels = new ArrayList<>();

    Channels(String hostPorts, int count, Identity identity) {
        String[] replicas = hostPorts.split(",");
        for (int i = 0; i < count; i++) {
            channels.add(identity.channel(replicas[i % replicas.length].trim()));
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
