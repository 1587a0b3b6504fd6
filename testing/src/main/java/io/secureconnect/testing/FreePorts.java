package io.secureconnect.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Ports for processes that cannot be told to bind port 0 and report back (e.g. a child JVM). */
public final class FreePorts {

    private FreePorts() {
    }

    /** A loopback port that was free a moment ago; the OS does not hand it out again right away. */
    public static int next() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
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
