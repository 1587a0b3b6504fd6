package io.secureconnect.e2e.faults;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Two private servers that misbehave, run as their own process inside the private namespace: one accepts and never
 * answers (it does not even read), one answers an HTTP response at 1 KB/s. They print a line per connection, so the
 * test knows its connections reached them through the tunnel.
 *
 * <p>Arguments: bind address, silent port, trickle port.
 */
public final class MisbehavingServers {

    /** The trickle server's response body: long enough to outlast the test at 1 KB/s. */
    static final int TRICKLE_BYTES = 1024 * 1024;

    private MisbehavingServers() {
    }

    public static void main(String[] args) throws IOException {
        InetAddress address = InetAddress.getByName(args[0]);
        ServerSocket silent = new ServerSocket(Integer.parseInt(args[1]), 128, address);
        ServerSocket trickle = new ServerSocket(Integer.parseInt(args[2]), 128, address);
        List<Socket> held = new ArrayList<>();
        AtomicInteger silentCount = new AtomicInteger();
        AtomicInteger trickleCount = new AtomicInteger();
        spawn(() -> {
            while (true) {
                Socket socket = silent.accept();
                synchronized (held) {
                    held.add(socket); // kept open, never read, never written
                }
                System.out.println("silent: accepted " + silentCount.incrementAndGet());
            }
        });
        spawn(() -> {
            while (true) {
                Socket socket = trickle.accept();
                System.out.println("trickle: accepted " + trickleCount.incrementAndGet());
                spawn(() -> trickle(socket));
            }
        });
        System.out.println("misbehaving servers listening on " + args[0] + ":" + args[1] + " and :" + args[2]);
    }

    /** An HTTP response whose body comes at 1 KB a second. */
    private static void trickle(Socket socket) throws IOException, InterruptedException {
        try (socket; OutputStream out = socket.getOutputStream()) {
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: " + TRICKLE_BYTES
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            byte[] kilobyte = new byte[1024];
            Arrays.fill(kilobyte, (byte) 'x');
            for (int sent = 0; sent < TRICKLE_BYTES; sent += kilobyte.length) {
                out.write(kilobyte);
                out.flush();
                Thread.sleep(1000);
            }
        }
    }

    private interface Body {
        void run() throws Exception;
    }

    private static void spawn(Body body) {
        Thread thread = new Thread(() -> {
            try {
                body.run();
            } catch (Exception e) {
                // the client went away (or the process is ending): nothing to keep
            }
        });
        thread.setDaemon(false);
        thread.start();
    }
}
