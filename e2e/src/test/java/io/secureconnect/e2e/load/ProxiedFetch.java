package io.secureconnect.e2e.load;

import io.secureconnect.e2e.fixture.Payloads;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * One request of a build through the gateway's proxy, as curl makes it with {@code HARNESS_HTTP_PROXY} and an https
 * URL: a new TCP connection to the proxy port, {@code CONNECT host:port} with the build's credential, TLS to the
 * private server through the tunnel (its name verified against the private CA), {@code GET /stream/SEED/SIZE}, and
 * the SHA-256 of the body compared with {@link Payloads#sha256(long, long)}: a byte lost, added, or delivered to the
 * wrong connection fails it. Every failure is an exception whose message never holds the credential.
 */
final class ProxiedFetch {

    static final int TIMEOUT_MILLIS = 60_000;

    private final InetSocketAddress proxy;
    private final InetAddress source;
    private final String proxyAuthorization;
    private final String host;
    private final int port;
    private final SSLSocketFactory tls;

    /**
     * @param proxyUrl the build's {@code HARNESS_HTTP_PROXY} ({@code http://user:credential@gateway:port}); only its
     *     port and credential are used: the connection goes to {@code proxyAddress} (the gateway's, as the runner
     *     resolves its name)
     * @param source the local address the connections leave from: one per tunnel, as each build runs on its own runner
     */
    ProxiedFetch(String proxyUrl, InetAddress proxyAddress, InetAddress source, String host, int port,
            SSLSocketFactory tls) {
        URI uri = URI.create(proxyUrl);
        this.proxy = new InetSocketAddress(proxyAddress, uri.getPort());
        this.source = source;
        this.proxyAuthorization = "Basic " + Base64.getEncoder().encodeToString(uri.getUserInfo()
                .getBytes(StandardCharsets.UTF_8));
        this.host = host;
        this.port = port;
        this.tls = tls;
    }

    /** Fetches SIZE bytes of SEED and checks them; returns the body's size. */
    long fetch(long seed, long size) throws IOException {
        try (Socket socket = new Socket()) {
            socket.setReuseAddress(true);
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(TIMEOUT_MILLIS);
            socket.bind(new InetSocketAddress(source, 0));
            socket.connect(proxy, TIMEOUT_MILLIS);
            OutputStream toProxy = socket.getOutputStream();
            toProxy.write(("CONNECT " + host + ":" + port + " HTTP/1.1\r\nHost: " + host + ":" + port
                    + "\r\nProxy-Authorization: " + proxyAuthorization + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            toProxy.flush();
            // Byte by byte: nothing of the TLS that follows may be read into a buffer here.
            String connect = statusLine(head(socket.getInputStream()));
            if (!connect.startsWith("HTTP/1.1 200")) {
                throw new IOException("CONNECT answered " + connect);
            }
            try (SSLSocket origin = (SSLSocket) tls.createSocket(socket, host, port, true)) {
                SSLParameters parameters = origin.getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                origin.setSSLParameters(parameters);
                origin.startHandshake();
                OutputStream out = origin.getOutputStream();
                out.write(("GET /stream/" + seed + "/" + size + " HTTP/1.1\r\nHost: " + host
                        + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = new BufferedInputStream(origin.getInputStream(), 64 * 1024);
                String head = head(in);
                if (!statusLine(head).startsWith("HTTP/1.1 200")) {
                    throw new IOException("the private server answered " + statusLine(head));
                }
                if (!head.toLowerCase().contains("\r\ncontent-length: " + size + "\r\n")) {
                    throw new IOException("a response head without Content-Length " + size);
                }
                String got = sha256(in, size);
                if (in.read() != -1) {
                    throw new IOException("more bytes than Content-Length " + size);
                }
                if (!got.equals(Payloads.sha256(seed, size))) {
                    throw new IOException("SHA-256 mismatch for seed " + seed + " size " + size);
                }
                return size;
            }
        }
    }

    private static String sha256(InputStream in, long size) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] buffer = new byte[64 * 1024];
        long left = size;
        while (left > 0) {
            int read = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (read < 0) {
                throw new IOException("the body ended after " + (size - left) + " of " + size + " bytes");
            }
            digest.update(buffer, 0, read);
            left -= read;
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** An HTTP head up to its blank line (at most 16 KiB). */
    private static String head(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder(128);
        while (head.length() < 4 || head.charAt(head.length() - 1) != '\n'
                || !head.substring(head.length() - 4).equals("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed in the response head" + (head.length() == 0 ? "" : " after \""
                        + statusLine(head.toString()) + "\""));
            }
            if (head.length() >= 16 * 1024) {
                throw new IOException("a response head over 16 KiB");
            }
            head.append((char) b);
        }
        return head.toString();
    }

    private static String statusLine(String head) {
        int end = head.indexOf("\r\n");
        return end < 0 ? head : head.substring(0, end);
    }
}
