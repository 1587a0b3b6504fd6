package io.secureconnect.agent.support;

import io.secureconnect.proto.tunnel.v1.DataPreamble;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;

/**
 * The gateway's data endpoint as far as the agent can tell: TLS, reads the 4-byte big-endian length and the
 * DataPreamble, then hands the connection (now a raw pipe to the destination) to the test.
 */
public final class DataEndpoint implements AutoCloseable {

    /**
     * A data connection after its preamble ({@code null} while it is parked); {@code parking} holds the parking
     * preamble it sent first, if any, and {@code ended} completes when the agent closed it while parked.
     */
    public record Connection(DataPreamble preamble, Socket socket, DataPreamble parking,
                             java.util.concurrent.CompletableFuture<Void> ended) {
    }

    private final SSLServerSocket server;
    private final BlockingQueue<Connection> connections = new LinkedBlockingQueue<>();
    private final BlockingQueue<Connection> parked = new LinkedBlockingQueue<>();
    private final Thread acceptor;

    DataEndpoint(TestPki pki) throws IOException {
        this(pki, InetAddress.getLoopbackAddress());
    }

    /** A data endpoint listening on the given address (e.g. 127.0.0.2), with the server certificate of the pki. */
    public DataEndpoint(TestPki pki, InetAddress address) throws IOException {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(pki.serverP12())) {
                store.load(in, TestPki.P12_PASSWORD.toCharArray());
            }
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, TestPki.P12_PASSWORD.toCharArray());
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(keys.getKeyManagers(), null, null);
            server = (SSLServerSocket) tls.getServerSocketFactory()
                    .createServerSocket(0, 50, address);
        } catch (GeneralSecurityException e) {
            throw new IOException(e);
        }
        acceptor = new Thread(this::accept, "fake-data-endpoint");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** The next data connection, or null when none arrived within the timeout. */
    public Connection next(Duration timeout) throws InterruptedException {
        return connections.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The next connection that parked (its parking preamble read, nothing after), or null within the timeout. */
    public Connection nextParked(Duration timeout) throws InterruptedException {
        return parked.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                Thread reader = new Thread(() -> readPreamble(socket), "fake-data-preamble");
                reader.setDaemon(true);
                reader.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void readPreamble(Socket socket) {
        try {
            socket.setSoTimeout(5000);
            DataInputStream in = new DataInputStream(socket.getInputStream());
            DataPreamble preamble = DataPreamble.parseFrom(frame(in));
            socket.setSoTimeout(0);
            DataPreamble parking = null;
            java.util.concurrent.CompletableFuture<Void> ended = new java.util.concurrent.CompletableFuture<>();
            if (preamble.getPark()) {
                parking = preamble;
                parked.add(new Connection(null, socket, parking, ended));
                try {
                    preamble = DataPreamble.parseFrom(frame(in));
                } catch (IOException closedWhileParked) {
                    ended.complete(null);
                    throw closedWhileParked;
                }
            }
            connections.add(new Connection(preamble, socket, parking, ended));
        } catch (IOException e) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // already broken
            }
        }
    }

    private static byte[] frame(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0 || length > 1024) {
            throw new IOException("preamble of " + length + " bytes");
        }
        return in.readNBytes(length);
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
