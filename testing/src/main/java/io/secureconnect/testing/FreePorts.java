package io.secureconnect.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Ports for processes that cannot be told to bind port 0 and report back (e.g. a child JVM). They come from below
 * the kernel's ephemeral range (32768 and up): a port the kernel handed out for a moment can be taken again at once
 * as the local port of any outgoing connection, which made a child's bind fail now and then ("Address already in
 * use"); ports below that range are only ever taken by servers. Handed out in turn from a random start, so two calls
 * of one run never get the same port.
 */
public final class FreePorts {

    static final int FIRST = 20000;
    static final int LAST = 29999;
    private static final AtomicInteger NEXT = new AtomicInteger(ThreadLocalRandom.current().nextInt(LAST - FIRST + 1));

    private FreePorts() {
    }

    /** A port free on every address a moment ago, below the ephemeral range, not handed out before by this JVM. */
    public static int next() {
        for (int attempt = 0; attempt <= LAST - FIRST; attempt++) {
            int port = FIRST + Math.floorMod(NEXT.getAndIncrement(), LAST - FIRST + 1);
            if (free(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no free port in " + FIRST + "-" + LAST);
    }

    private static boolean free(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), port), 1);
            return true;
        } catch (IOException taken) {
            return false;
        }
    }

    /** Holds a loopback port open, for tests of "port already taken". Close it to free the port. */
    public static ServerSocket occupy() {
        try {
            return new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot occupy a loopback port", e);
        }
    }
}
