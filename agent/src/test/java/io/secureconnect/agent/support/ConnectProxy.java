package io.secureconnect.agent.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A corporate egress proxy stand-in (outside the system): HTTP CONNECT only, on a port-0 loopback listener. It
 * records each CONNECT line and its Proxy-Authorization header, then pipes bytes both ways.
 */
public final class ConnectProxy implements AutoCloseable {

    /** One CONNECT as the proxy saw it. */
    public record Tunnel(String target, String proxyAuthorization) {
    }

    private final ServerSocket server;
    private final List<Tunnel> tunnels = new CopyOnWriteArrayList<>();

    public ConnectProxy() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        daemon(this::accept, "connect-proxy");
    }

    public int port() {
        return server.getLocalPort();
    }

    public List<Tunnel> tunnels() {
        return List.copyOf(tunnels);
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                daemon(() -> serve(client), "connect-proxy-client");
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket client) {
        try {
            String head = readHead(client.getInputStream());
            String[] lines = head.split("\r\n");
            String[] request = lines[0].split(" ");
            String authorization = null;
            for (String line : lines) {
                if (line.toLowerCase().startsWith("proxy-authorization:")) {
                    authorization = line.substring(line.indexOf(':') + 1).strip();
                }
            }
            if (!request[0].equals("CONNECT")) {
                client.getOutputStream().write("HTTP/1.1 405 Method Not Allowed\r\n\r\n".getBytes());
                client.close();
                return;
            }
            tunnels.add(new Tunnel(request[1], authorization));
            int colon = request[1].lastIndexOf(':');
            Socket upstream = new Socket(request[1].substring(0, colon), Integer.parseInt(request[1].substring(colon + 1)));
            upstream.setTcpNoDelay(true);
            client.setTcpNoDelay(true);
            client.getOutputStream().write("HTTP/1.1 200 Connection established\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            daemon(() -> pipe(client, upstream), "connect-proxy-up");
            pipe(upstream, client);
        } catch (IOException | RuntimeException e) {
            close(client);
        }
    }

    private static void pipe(Socket from, Socket to) {
        try {
            from.getInputStream().transferTo(to.getOutputStream());
        } catch (IOException ignored) {
            // one side closed
        } finally {
            close(from);
            close(to);
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed before the end of the request head");
            }
            head.write(b);
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    private static void close(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    private static void daemon(Runnable task, String name) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
