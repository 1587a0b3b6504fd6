package io.secureconnect.agent.support;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Random;

/** A real private HTTP server (the JDK's) on a port-0 loopback listener, serving a fixed random payload. */
public final class Origin implements AutoCloseable {

    private final HttpServer server;
    private final byte[] payload;

    public Origin(int payloadBytes) throws IOException {
        payload = new byte[payloadBytes];
        new Random(42).nextBytes(payload);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.createContext("/blob", exchange -> {
            exchange.sendResponseHeaders(200, payload.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(payload);
            }
        });
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public int size() {
        return payload.length;
    }

    public String sha256() {
        return sha256(payload);
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
