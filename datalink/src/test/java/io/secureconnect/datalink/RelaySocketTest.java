package io.secureconnect.datalink;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.MessageDigest;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The relay between real loopback sockets: a sender far faster than a receiver that stops reading. The relay must
 * stop reading (so the sender's writes stall at what the sockets buffer, not at what it sends) and, once the
 * receiver reads again, deliver every byte in order.
 */
class RelaySocketTest {

    private static final int TOTAL = 128 * 1024 * 1024;
    private static final int STALL_LIMIT = 48 * 1024 * 1024; // four loopback socket buffers, with room to spare

    @Test
    void aReceiverThatStopsReadingStallsTheSenderThenGetsEveryByte() throws Exception {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        EventLoopGroup loop = new NioEventLoopGroup(1);
        AtomicReference<Channel> inbound = new AtomicReference<>();
        try (ServerSocket receiverListener = new ServerSocket(0, 1, loopback)) {
            Channel relayListener = new ServerBootstrap().group(loop).channel(NioServerSocketChannel.class)
                    .childOption(ChannelOption.AUTO_READ, false)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel client) {
                            inbound.set(client);
                            new Bootstrap().group(client.eventLoop()).channel(NioSocketChannel.class)
                                    .option(ChannelOption.AUTO_READ, false)
                                    .handler(new ChannelInitializer<SocketChannel>() {
                                        @Override
                                        protected void initChannel(SocketChannel upstream) {
                                        }
                                    })
                                    .connect(receiverListener.getLocalSocketAddress()).addListener(done -> {
                                        Channel upstream = ((ChannelFuture) done).channel();
                                        client.pipeline().addLast(new Relay(upstream));
                                        upstream.pipeline().addLast(new Relay(client));
                                        client.config().setAutoRead(true);
                                        upstream.config().setAutoRead(true);
                                    });
                        }
                    }).bind(new InetSocketAddress(loopback, 0)).sync().channel();
            byte[] payload = new byte[TOTAL];
            new Random(42).nextBytes(payload);
            AtomicLong sent = new AtomicLong();
            try (Socket sender = new Socket(loopback, ((InetSocketAddress) relayListener.localAddress()).getPort());
                    Socket receiver = receiverListener.accept()) {
                CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> send(sender, payload, sent));

                long stalledAt = waitForStall(sent);
                assertTrue(stalledAt < STALL_LIMIT, "the sender stalled at " + stalledAt + " bytes");
                assertFalse(inbound.get().config().isAutoRead(), "the relay stopped reading the sender");

                byte[] received = receive(receiver, TOTAL);
                sending.get(60, TimeUnit.SECONDS);
                assertArrayEquals(digest(payload), digest(received), "every byte, in order");
            } finally {
                relayListener.close().sync();
            }
        } finally {
            loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    private static void send(Socket socket, byte[] payload, AtomicLong sent) {
        try {
            OutputStream out = socket.getOutputStream();
            for (int offset = 0; offset < payload.length; offset += 64 * 1024) {
                out.write(payload, offset, 64 * 1024);
                sent.addAndGet(64 * 1024);
            }
            out.flush();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Waits (at most 30 s) until the sender has sent nothing new for a second; returns what it sent. */
    private static long waitForStall(AtomicLong sent) throws InterruptedException {
        long last = -1;
        for (int i = 0; i < 30; i++) {
            Thread.sleep(1000);
            long now = sent.get();
            if (now == last) {
                return now;
            }
            last = now;
        }
        return sent.get();
    }

    private static byte[] receive(Socket socket, int size) throws Exception {
        socket.setSoTimeout(30_000);
        byte[] received = new byte[size];
        InputStream in = socket.getInputStream();
        int at = 0;
        while (at < size) {
            int n = in.read(received, at, size - at);
            if (n < 0) {
                break;
            }
            at += n;
        }
        return received;
    }

    private static byte[] digest(byte[] bytes) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(bytes);
    }
}
