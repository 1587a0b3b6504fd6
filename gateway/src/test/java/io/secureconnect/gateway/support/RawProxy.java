package io.secureconnect.gateway.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** A plain socket to the proxy, for what curl cannot show (response heads, hang-ups, many connections). */
public final class RawProxy implements AutoCloseable {

    private final Socket socket;

    public RawProxy(int proxyPort) throws IOException {
        this(new Socket("127.0.0.1", proxyPort));
    }

    /** From another source address: on Linux every address of 127.0.0.0/8 (e.g. 127.0.0.2) is loopback. */
    public RawProxy(String sourceAddress, int proxyPort) throws IOException {
        this(new Socket("127.0.0.1", proxyPort, InetAddress.getByName(sourceAddress), 0));
    }

    private RawProxy(Socket socket) throws IOException {
        this.socket = socket;
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(30_000);
    }

    public static String basic(String credential) {
        return "Basic " + Base64.getEncoder().encodeToString(("build:" + credential).getBytes(StandardCharsets.UTF_8));
    }

    public Socket socket() {
        return socket;
    }

    public void send(String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
    }

    /** Reads a response head (through the blank line). */
    public String readHead() throws IOException {
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    /** Reads a response with a Content-Length body and returns head and body. */
    public String readResponse() throws IOException {
        String head = readHead();
        int length = 0;
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase().startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        byte[] body = socket.getInputStream().readNBytes(length);
        return head + new String(body, StandardCharsets.UTF_8);
    }

    /** Everything until the proxy closes. */
    public String readAll() throws IOException {
        return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
