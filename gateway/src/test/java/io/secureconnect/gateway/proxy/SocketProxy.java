package io.secureconnect.gateway.proxy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * Sends one input to the real proxy listener, over plain TCP or inside TLS, and reads what comes back until the
 * gateway closes. A client that sent an incomplete head then hangs up its sending side, so the gateway sees the end
 * instead of waiting for its head deadline.
 */
final class SocketProxy {

    /** What came back: the answer (maybe empty), how the connection ended. */
    record Outcome(int status, String answer, boolean reset, boolean timedOut) {
    }

    /** A bound on waiting, not a performance figure: far above any answer's time, it only turns a hang into a failure. */
    static final int READ_TIMEOUT_MILLIS = 20_000;

    private final int port;
    private final SSLContext tls;

    SocketProxy(int port, SSLContext tls) {
        this.port = port;
        this.tls = tls;
    }

    Outcome send(ProxyInput input, boolean overTls) throws IOException {
        Socket plain = new Socket();
        plain.setTcpNoDelay(true);
        plain.connect(new InetSocketAddress("127.0.0.1", port), READ_TIMEOUT_MILLIS);
        Socket socket = plain;
        if (overTls) {
            SSLSocket secure = (SSLSocket) tls.getSocketFactory().createSocket(plain, "127.0.0.1", port, true);
            secure.startHandshake();
            socket = secure;
        }
        socket.setSoTimeout(READ_TIMEOUT_MILLIS);
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        boolean reset = false;
        boolean timedOut = false;
        try (Socket closing = socket) {
            try {
                socket.getOutputStream().write(input.bytes());
                socket.getOutputStream().flush();
                if (!input.complete() && !overTls) {
                    socket.shutdownOutput();
                }
            } catch (IOException e) {
                // The gateway answered and closed before taking everything: read what it said.
            }
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[8192];
            try {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    answer.write(buffer, 0, n);
                }
            } catch (SocketTimeoutException e) {
                timedOut = true;
            } catch (IOException e) {
                reset = true;
            }
        }
        String text = answer.toString(StandardCharsets.ISO_8859_1);
        return new Outcome(EmbeddedProxy.status(text), text, reset, timedOut);
    }
}
