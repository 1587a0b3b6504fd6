package io.secureconnect.gateway.proxy;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;

/**
 * TLS ClientHellos for the proxy's TLS side (same port, sniffed by its first byte 0x16): real ones from the JDK's
 * client (TLS 1.3 and 1.2), sent whole, cut short, with bytes flipped, with their length fields lying, or followed by
 * garbage. None of them completes a handshake, so the gateway must answer nothing in plain text and close (at the
 * latest at the head deadline).
 */
final class ClientHellos {

    private final List<byte[]> hellos;

    ClientHellos() throws Exception {
        hellos = List.of(hello("TLSv1.3"), hello("TLSv1.2"));
    }

    private static byte[] hello(String protocol) throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, null, null);
        SSLEngine engine = context.createSSLEngine("allowed.example", 443);
        engine.setUseClientMode(true);
        engine.setEnabledProtocols(new String[] {protocol});
        ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        try {
            engine.wrap(ByteBuffer.allocate(0), out);
        } catch (SSLException e) {
            throw new IllegalStateException("no ClientHello for " + protocol, e);
        }
        out.flip();
        byte[] bytes = new byte[out.remaining()];
        out.get(bytes);
        return bytes;
    }

    ProxyInput next(Random random) {
        byte[] hello = hellos.get(random.nextInt(hellos.size()));
        byte[] bytes = hello.clone();
        String kind;
        switch (random.nextInt(6)) {
            case 0 -> kind = "TLS ClientHello, whole";
            case 1 -> {
                bytes = Arrays.copyOf(hello, 1 + random.nextInt(hello.length - 1));
                kind = "TLS ClientHello, cut short";
            }
            case 2 -> {
                for (int i = 0, n = 1 + random.nextInt(8); i < n; i++) {
                    bytes[1 + random.nextInt(bytes.length - 1)] = (byte) random.nextInt(256);
                }
                kind = "TLS ClientHello, bytes flipped";
            }
            case 3 -> {
                // The record length (bytes 3-4) or the handshake length (bytes 6-8) lies.
                int at = random.nextBoolean() ? 3 : 6;
                bytes[at] = (byte) random.nextInt(256);
                bytes[at + 1] = (byte) random.nextInt(256);
                kind = "TLS ClientHello, lying length";
            }
            case 4 -> {
                byte[] garbage = new byte[1 + random.nextInt(2000)];
                random.nextBytes(garbage);
                bytes = Arrays.copyOf(hello, hello.length + garbage.length);
                System.arraycopy(garbage, 0, bytes, hello.length, garbage.length);
                kind = "TLS ClientHello, then garbage";
            }
            default -> {
                bytes = Arrays.copyOf(hello, 5 + random.nextInt(20));
                bytes[1] = (byte) random.nextInt(256);
                bytes[2] = (byte) random.nextInt(256);
                kind = "TLS record header, odd version";
            }
        }
        return new ProxyInput(kind, bytes, Set.of(ProxyInput.NO_ANSWER), false);
    }
}
