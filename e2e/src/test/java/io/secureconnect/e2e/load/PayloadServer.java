package io.secureconnect.e2e.load;

import io.secureconnect.e2e.fixture.Payloads;
import java.io.BufferedOutputStream;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;

/**
 * The private server of the load test, run as its own process in the private namespace: HTTPS with a thread per
 * connection, so that it takes every one of the test's 1,000 concurrent connections at once (the shared
 * {@code PrivateServers} has 16 worker threads and a backlog of 128: it would queue them and measure itself, not the
 * tunnel). It answers {@code GET /stream/SEED/SIZE} with the bytes of {@link Payloads}, then closes.
 *
 * <p>Arguments: bind address, port, PKCS#12 key store, its password.
 */
public final class PayloadServer {

    private static final int BACKLOG = 4096;
    private static final int READ_TIMEOUT_MILLIS = 60_000;
    private static final AtomicLong FAILURES = new AtomicLong();

    private PayloadServer() {
    }

    public static void main(String[] args) throws Exception {
        SSLContext tls = tls(args[2], args[3].toCharArray());
        SSLServerSocket server = (SSLServerSocket) tls.getServerSocketFactory().createServerSocket(
                Integer.parseInt(args[1]), BACKLOG, InetAddress.getByName(args[0]));
        System.out.println("load payload server listening on " + args[0] + ":" + args[1]);
        System.out.flush();
        while (true) {
            Socket socket = server.accept();
            Thread thread = new Thread(() -> serve(socket), "payload-" + socket.getPort());
            thread.setDaemon(true);
            thread.start();
        }
    }

    private static void serve(Socket socket) {
        try (socket) {
            socket.setSoTimeout(READ_TIMEOUT_MILLIS);
            socket.setTcpNoDelay(true);
            String path = requestPath(socket.getInputStream());
            String[] parts = path.split("/");
            if (parts.length != 4 || !parts[1].equals("stream")) {
                throw new IOException("not /stream/SEED/SIZE: " + path);
            }
            long seed = Long.parseLong(parts[2]);
            long size = Long.parseLong(parts[3]);
            OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: " + size
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            Payloads.write(seed, size, out);
            out.flush();
        } catch (IOException | RuntimeException e) {
            // The client's check of the payload fails for it; this count says the server saw it too.
            System.out.println("payload server: failure " + FAILURES.incrementAndGet() + ": " + e);
        }
    }

    /** The path of the request line; the rest of the head is read and ignored. */
    private static String requestPath(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (head.length() < 8192 && (head.length() < 4 || !head.substring(head.length() - 4).equals("\r\n\r\n"))) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed in the request head");
            }
            head.append((char) b);
        }
        String[] requestLine = head.substring(0, head.indexOf("\r\n")).split(" ");
        if (requestLine.length != 3 || !requestLine[0].equals("GET")) {
            throw new IOException("not a GET request line");
        }
        return requestLine[1];
    }

    private static SSLContext tls(String keyStore, char[] password) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = new FileInputStream(keyStore)) {
            store.load(in, password);
        }
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, password);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        return context;
    }
}
