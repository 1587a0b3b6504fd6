package io.secureconnect.gateway.agentlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.secureconnect.gateway.support.GatewayTestResource;
import io.secureconnect.gateway.support.GatewayTestSupport;
import io.secureconnect.testing.fuzz.FuzzRun;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/**
 * Garbage HTTP/2 on the agent endpoint (TLS, ALPN h2), below gRPC and before any key: a corrupt preface, frames that
 * break the framing rules and seeded random frames. Each connection ends with a GOAWAY carrying an error (or, for
 * frames HTTP/2 says to ignore, stays healthy: it answers a PING), and no key is ever checked.
 */
@QuarkusTest
@QuarkusTestResource(value = GatewayTestResource.class, restrictToAnnotatedClass = false)
class GarbageHttp2FramesTest extends GatewayTestSupport {

    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final int GOAWAY = 7;
    private static final int PING = 6;

    /** What the gateway sent back: frame types in order, the GOAWAY error code (-1: none), and whether it closed. */
    private record Answer(List<Integer> types, long goAwayError, boolean closed) {
    }

    private static byte[] frame(int length, int type, int flags, int stream, byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(length >>> 16);
        out.write(length >>> 8);
        out.write(length);
        out.write(type);
        out.write(flags);
        out.write(stream >>> 24);
        out.write(stream >>> 16);
        out.write(stream >>> 8);
        out.write(stream);
        out.writeBytes(payload);
        return out.toByteArray();
    }

    private static byte[] frame(int type, int flags, int stream, byte[] payload) {
        return frame(payload.length, type, flags, stream, payload);
    }

    private static byte[] afterPreface(byte[]... frames) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(PREFACE);
        out.writeBytes(frame(4, 0, 0, new byte[0])); // the client's SETTINGS
        for (byte[] frame : frames) {
            out.writeBytes(frame);
        }
        return out.toByteArray();
    }

    /** Sends the bytes, then a PING, and reads frames until the gateway closes or acks the PING. */
    private static Answer send(byte[] bytes) throws Exception {
        try (SSLSocket socket = (SSLSocket) fixtures().tls().clientContext().getSocketFactory()
                .createSocket("127.0.0.1", ports().agent())) {
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setApplicationProtocols(new String[] {"h2"});
            socket.setSSLParameters(parameters);
            socket.setSoTimeout(10_000); // a bound on waiting, not a speed
            socket.startHandshake();
            try {
                socket.getOutputStream().write(bytes);
                socket.getOutputStream().write(frame(PING, 0, 0, new byte[8]));
                socket.getOutputStream().flush();
            } catch (IOException e) {
                // closed while we wrote: read what it said
            }
            DataInputStream in = new DataInputStream(socket.getInputStream());
            List<Integer> types = new ArrayList<>();
            long goAwayError = -1;
            try {
                while (true) {
                    int length = in.readUnsignedByte() << 16 | in.readUnsignedByte() << 8 | in.readUnsignedByte();
                    int type = in.readUnsignedByte();
                    int flags = in.readUnsignedByte();
                    in.readInt();
                    byte[] payload = in.readNBytes(length);
                    types.add(type);
                    if (type == GOAWAY && payload.length >= 8) {
                        goAwayError = ((payload[4] & 0xffL) << 24) | ((payload[5] & 0xff) << 16)
                                | ((payload[6] & 0xff) << 8) | (payload[7] & 0xff);
                    }
                    if (type == PING && (flags & 1) != 0) {
                        return new Answer(types, goAwayError, false);
                    }
                }
            } catch (EOFException | SocketTimeoutException e) {
                return new Answer(types, goAwayError, !(e instanceof SocketTimeoutException));
            } catch (IOException e) {
                return new Answer(types, goAwayError, true);
            }
        }
    }

    @Test
    void closesAConnectionWithACorruptPreface() throws Exception {
        int checks = fixtures().keys().requests().size();
        Answer answer = send("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        assertTrue(answer.closed(), answer.toString());
        assertEquals(checks, fixtures().keys().requests().size());
    }

    @Test
    void answersFramesThatBreakTheRulesWithAGoAwayAndAnError() throws Exception {
        int checks = fixtures().keys().requests().size();
        List<byte[]> broken = List.of(
                frame(1 << 20, 0, 0, 1, new byte[64]),                 // DATA longer than SETTINGS_MAX_FRAME_SIZE
                frame(1, 0x4, 0, new byte[] {(byte) 0x82}),             // HEADERS on stream 0
                frame(1, 0x4, 1, new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0x7f}),
                frame(4, 0, 0, new byte[5]),                            // SETTINGS of a length not a multiple of 6
                frame(8, 0, 0, new byte[] {0, 0, 0, 0}),                // WINDOW_UPDATE of 0 on the connection
                frame(PING, 0, 1, new byte[8]));                        // PING on a stream
        for (byte[] frame : broken) {
            Answer answer = send(afterPreface(frame));
            assertTrue(answer.closed() && answer.types().contains(GOAWAY), "frame type " + frame[3] + ": " + answer);
            assertNotEquals(0, answer.goAwayError(), "an error code, not NO_ERROR: " + answer);
        }
        assertEquals(checks, fixtures().keys().requests().size());
    }

    /**
     * Seeded random frames after a valid preface: each connection either ends with a GOAWAY carrying an error or is
     * still healthy (acks our PING): never closed without a word, never hung. {@code -Dfuzz.seed=} replays; the count
     * is {@code fuzz.count / 1000} (100 by default).
     */
    @Test
    void endsOrSurvivesSeededRandomFramesButNeverHangs() throws Exception {
        FuzzRun run = FuzzRun.fromSystemProperties("gateway agent endpoint HTTP/2 frames (1 in 1000)", 100_000);
        Random random = run.input().random();
        int checks = fixtures().keys().requests().size();
        List<String> failures = new ArrayList<>();
        int refused = 0;
        for (int i = 0, n = run.count() / 1000; i < n; i++) {
            byte[][] frames = new byte[1 + random.nextInt(4)][];
            for (int f = 0; f < frames.length; f++) {
                byte[] payload = new byte[random.nextInt(64)];
                random.nextBytes(payload);
                int length = random.nextInt(8) == 0 ? 16_385 + random.nextInt((1 << 24) - 16_385) : payload.length;
                frames[f] = frame(length, random.nextInt(12), random.nextInt(256), random.nextInt(8), payload);
            }
            Answer answer = send(afterPreface(frames));
            if (answer.types().contains(GOAWAY) && answer.goAwayError() > 0) {
                refused++;
            } else if (answer.closed() || !answer.types().contains(PING)) {
                failures.add("#" + i + " " + answer);
            }
        }
        System.out.printf("HTTP/2 frame fuzz: %d connections, %d ended with GOAWAY%n", run.count() / 1000, refused);
        assertTrue(failures.isEmpty(), "replay with -Dfuzz.seed=" + run.seed() + ":\n" + String.join("\n", failures));
        assertEquals(checks, fixtures().keys().requests().size(), "no stream got as far as a key check");
    }
}
