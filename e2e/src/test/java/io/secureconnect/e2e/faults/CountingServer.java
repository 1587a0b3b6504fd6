package io.secureconnect.e2e.faults;

import io.secureconnect.e2e.fixture.Payloads;
import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A private server that streams {@code GET /SEED/SIZE} (the bytes of {@link Payloads}) over plain HTTP/1.1 and keeps
 * count of the body bytes its socket has taken, in a file the test reads (written every 100 ms, replaced
 * atomically). When a client stops reading, the count stops once every buffer between the two is full: that is
 * backpressure reaching the server, and the count minus what the client read is what the path holds.
 *
 * <p>Arguments: bind address, port, count file.
 */
public final class CountingServer {

    private static final Pattern REQUEST = Pattern.compile("GET /(\\d{1,18})/(\\d{1,18}) HTTP/1\\.[01]");
    private static final int MAX_HEAD = 8192;

    private CountingServer() {
    }

    public static void main(String[] args) throws IOException {
        ServerSocket server = new ServerSocket(Integer.parseInt(args[1]), 16, InetAddress.getByName(args[0]));
        Path countFile = Path.of(args[2]);
        AtomicLong written = new AtomicLong();
        Thread counter = new Thread(() -> report(written, countFile));
        counter.setDaemon(true);
        counter.start();
        System.out.println("counting server listening on " + args[0] + ":" + args[1]);
        while (true) {
            Socket socket = server.accept();
            new Thread(() -> serve(socket, written)).start();
        }
    }

    private static void serve(Socket socket, AtomicLong written) {
        try (socket; OutputStream raw = socket.getOutputStream()) {
            Matcher request = REQUEST.matcher(head(socket.getInputStream()));
            if (!request.lookingAt()) {
                raw.write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                return;
            }
            long seed = Long.parseLong(request.group(1));
            long size = Long.parseLong(request.group(2));
            raw.write(("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: " + size
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            System.out.println("streaming " + size + " bytes of seed " + seed);
            Payloads.write(seed, size, new FilterOutputStream(raw) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len); // returns once the socket took them all
                    written.addAndGet(len);
                }
            });
            System.out.println("streamed " + size + " bytes");
        } catch (IOException e) {
            System.out.println("connection ended: " + e.getMessage());
        }
    }

    /** The request head up to its blank line (at most 8 KiB; the rest of a longer one is not read). */
    private static String head(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int lastFour = 0;
        for (int b = in.read(); b >= 0 && head.size() < MAX_HEAD; b = in.read()) {
            head.write(b);
            lastFour = lastFour << 8 | b;
            if (lastFour == 0x0d0a0d0a) {
                break;
            }
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    private static void report(AtomicLong written, Path countFile) {
        Path next = countFile.resolveSibling(countFile.getFileName() + ".next");
        long last = -1;
        while (true) {
            long now = written.get();
            if (now != last) {
                try {
                    Files.writeString(next, Long.toString(now));
                    Files.move(next, countFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                    last = now;
                } catch (IOException e) {
                    System.out.println("cannot write the count: " + e.getMessage());
                }
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            }
        }
    }
}
