package io.secureconnect.gateway.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;

/** The proxy's own responses, each written as one buffer. */
final class ProxyResponses {

    static final byte[] CONNECTED = "HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    /** Told with every 429: the limits count open connections, so one may close any moment. */
    static final int RETRY_AFTER_SECONDS = 1;

    private ProxyResponses() {
    }

    static ByteBuf connected(ByteBufAllocator alloc) {
        return alloc.buffer(CONNECTED.length).writeBytes(CONNECTED);
    }

    /** An error response that closes the connection; the body is one line of plain text. */
    static ByteBuf error(ByteBufAllocator alloc, int status, String message) {
        byte[] body = (message + "\n").getBytes(StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder(256).append("HTTP/1.1 ").append(status).append(' ')
                .append(phrase(status)).append("\r\n");
        if (status == 407) {
            head.append("Proxy-Authenticate: Basic realm=\"secure-connect\"\r\n");
        } else if (status == 429) {
            head.append("Retry-After: ").append(RETRY_AFTER_SECONDS).append("\r\n");
        }
        head.append("Content-Type: text/plain; charset=utf-8\r\nContent-Length: ").append(body.length)
                .append("\r\nConnection: close\r\n\r\n");
        byte[] headBytes = head.toString().getBytes(StandardCharsets.US_ASCII);
        return alloc.buffer(headBytes.length + body.length).writeBytes(headBytes).writeBytes(body);
    }

    static String phrase(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 403 -> "Forbidden";
            case 405 -> "Method Not Allowed";
            case 407 -> "Proxy Authentication Required";
            case 408 -> "Request Timeout";
            case 414 -> "URI Too Long";
            case 429 -> "Too Many Requests";
            case 431 -> "Request Header Fields Too Large";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            default -> "Error";
        };
    }
}
