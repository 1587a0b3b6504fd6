package io.secureconnect.gateway.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The "private network": an HTTP and an HTTPS origin (JDK server, port 0) and a TCP echo server. It records the
 * request heads it received so tests can see what the proxy forwarded.
 */
public final class Origin implements AutoCloseable {

    public static final int BIG_SIZE = 20 * 1024 * 1024;

    public record Received(String method, String uri, Map<String, List<String>> headers) {
    }

    private final HttpServer http;
    private final HttpsServer https;
    private final ServerSocket echo;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final byte[] big = new byte[BIG_SIZE];

    public Origin(TestTls tls) throws IOException {
        new Random(42).nextBytes(big);
        InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        http = HttpServer.create(loopback, 100);
        https = HttpsServer.create(loopback, 100);
        https.setHttpsConfigurator(new HttpsConfigurator(tls.serverContext()));
        for (HttpServer server : List.of(http, https)) {
            server.createContext("/", this::handle);
            server.setExecutor(executor);
            server.start();
        }
        echo = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        executor.execute(this::acceptEchoes);
    }

    public int httpPort() {
        return http.getAddress().getPort();
    }

    public int httpsPort() {
        return https.getAddress().getPort();
    }

    public int echoPort() {
        return echo.getLocalPort();
    }

    public List<Received> received() {
        return received;
    }

    public String bigSha256() {
        return sha256(big);
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().toString(),
                Map.copyOf(exchange.getRequestHeaders())));
        byte[] requestBody = exchange.getRequestBody().readAllBytes();
        String path = exchange.getRequestURI().getPath();
        byte[] body;
        if (path.equals("/big")) {
            body = big;
        } else if (path.equals("/echo")) {
            body = requestBody;
        } else {
            body = ("hello from the private network: " + exchange.getRequestMethod() + " "
                    + exchange.getRequestURI()).getBytes(StandardCharsets.UTF_8);
        }
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private void acceptEchoes() {
        while (!echo.isClosed()) {
            try {
                Socket socket = echo.accept();
                executor.execute(() -> echo(socket));
            } catch (IOException e) {
                return;
            }
        }
    }

    private static void echo(Socket socket) {
        try (socket; InputStream in = socket.getInputStream(); OutputStream out = socket.getOutputStream()) {
            byte[] buffer = new byte[16 * 1024];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
            }
        } catch (IOException e) {
            // client went away
        }
    }

    @Override
    public void close() throws IOException {
        http.stop(0);
        https.stop(0);
        echo.close();
        executor.shutdownNow();
    }
}
