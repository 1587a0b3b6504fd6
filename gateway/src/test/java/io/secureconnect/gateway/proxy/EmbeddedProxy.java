package io.secureconnect.gateway.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.SslContext;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The proxy's real pipeline (the handlers {@link ProxyEndpoint} installs on every accepted connection, with the
 * gateway's own authorizer, tunnels, limits and metrics) driven in process, one input per channel, with time under the
 * test's control: an input that is not answered at once gets the head deadline (and then some) before it must be
 * closed. Fast enough for 100,000 inputs; the real listener gets a share of them too ({@link ProxyFuzzTest}).
 */
final class EmbeddedProxy {

    /** What the gateway did with one input. */
    /** @param unreleased bytes of buffers still allocated once the connection is gone (a leak when not 0) */
    record Outcome(int status, String answer, boolean closed, long unreleased, Throwable escaped) {
    }

    /** Counts every buffer of every driven connection, so each input can be checked for leaks exactly. */
    private final UnpooledByteBufAllocator allocator = new UnpooledByteBufAllocator(true, false, false);

    private final ProxyEndpoint endpoint;
    private final SslContext tls;
    /** Past the head deadline, the idle timeout and the lingering close, whichever is longest. */
    private final long patienceMillis;

    EmbeddedProxy(ProxyEndpoint endpoint, SslContext tls, long patienceMillis) {
        this.endpoint = endpoint;
        this.tls = tls;
        this.patienceMillis = patienceMillis;
    }

    /** A client connection to a proxy port, as the listener sees one: real socket addresses, time frozen. */
    private static final class Client extends EmbeddedChannel {
        private static final SocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 30001);
        private static final SocketAddress REMOTE = new InetSocketAddress("127.0.0.1", 40000);

        Client() {
            super(false, false);
        }

        @Override
        protected SocketAddress localAddress0() {
            return LOCAL;
        }

        @Override
        protected SocketAddress remoteAddress0() {
            return REMOTE;
        }
    }

    /** Sends the input in one to three reads, as a network splits it, and waits (in test time) for the end. */
    Outcome drive(ProxyInput input, Random random) throws Exception {
        Client client = new Client();
        client.config().setAllocator(allocator);
        client.freezeTime();
        endpoint.install(client, tls);
        client.register();
        Throwable escaped = null;
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        try {
            byte[] bytes = input.bytes();
            int from = 0;
            for (int reads = 1 + random.nextInt(3); from < bytes.length && client.isOpen(); reads--) {
                int to = reads == 1 ? bytes.length : from + 1 + random.nextInt(bytes.length - from);
                client.writeInbound(client.alloc().buffer(to - from).writeBytes(bytes, from, to - from));
                from = to;
            }
            client.runPendingTasks();
            drainOutbound(client, answer);
            for (int waits = 0; client.isOpen() && waits < 3; waits++) {
                client.advanceTimeBy(patienceMillis, TimeUnit.MILLISECONDS);
                client.runScheduledPendingTasks();
                client.runPendingTasks();
                drainOutbound(client, answer);
            }
            client.checkException();
        } catch (Throwable e) {
            escaped = e;
        }
        boolean closed = !client.isOpen();
        client.finishAndReleaseAll();
        long unreleased = allocator.metric().usedHeapMemory() + allocator.metric().usedDirectMemory();
        String text = answer.toString(StandardCharsets.ISO_8859_1);
        return new Outcome(status(text), text, closed, unreleased, escaped);
    }

    private static void drainOutbound(EmbeddedChannel client, ByteArrayOutputStream answer) {
        for (Object out; (out = client.readOutbound()) != null; ) {
            if (out instanceof ByteBuf buf) {
                byte[] bytes = new byte[buf.readableBytes()];
                buf.readBytes(bytes);
                answer.writeBytes(bytes);
                buf.release();
            }
        }
    }

    /** The status of an HTTP/1.1 answer; NO_ANSWER when there is none (nothing, or TLS records). */
    static int status(String answer) {
        if (answer.startsWith("HTTP/1.1 ") && answer.length() >= 12) {
            try {
                return Integer.parseInt(answer.substring(9, 12));
            } catch (NumberFormatException e) {
                return 0;
            }
        }
        return ProxyInput.NO_ANSWER;
    }
}
