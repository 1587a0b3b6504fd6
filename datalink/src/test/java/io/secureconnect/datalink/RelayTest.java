package io.secureconnect.datalink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.timeout.IdleStateEvent;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The one relay both ends use: bytes, counters, the backpressure rule and how a splice ends. */
class RelayTest {

    /** Keeps what is written unflushed (so it counts against the watermark) until {@link #release} is called. */
    private static final class HeldFlush extends ChannelOutboundHandlerAdapter {
        boolean holding = true;

        @Override
        public void flush(ChannelHandlerContext ctx) {
            if (!holding) {
                ctx.flush();
            }
        }

        void release(EmbeddedChannel channel) {
            holding = false;
            channel.flush();
        }
    }

    private static EmbeddedChannel peerWithWatermark(int low, int high) {
        EmbeddedChannel peer = new EmbeddedChannel();
        peer.config().setWriteBufferWaterMark(new WriteBufferWaterMark(low, high));
        return peer;
    }

    private static ByteBuf bytes(String text) {
        return Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII);
    }

    @Test
    void passesTheSameBuffersOnAndCountsTheirBytes() {
        EmbeddedChannel peer = new EmbeddedChannel();
        AtomicLong counted = new AtomicLong();
        EmbeddedChannel reader = new EmbeddedChannel(new Relay(peer, counted::addAndGet));
        ByteBuf first = bytes("hello ");
        ByteBuf second = bytes("world");

        reader.writeInbound(first, second);

        assertSame(first, peer.readOutbound(), "no copy: the buffer read is the buffer written");
        assertSame(second, peer.readOutbound());
        assertEquals(11, counted.get());
        first.release();
        second.release();
    }

    @Test
    void dropsWhatArrivesAfterThePeerClosed() {
        EmbeddedChannel peer = new EmbeddedChannel();
        AtomicLong counted = new AtomicLong();
        EmbeddedChannel reader = new EmbeddedChannel(new Relay(peer, counted::addAndGet));
        peer.close();
        ByteBuf late = bytes("late");

        reader.writeInbound(late);

        assertEquals(0, late.refCnt(), "released, not leaked");
        assertEquals(0, counted.get());
        assertNull(peer.readOutbound());
    }

    @Test
    void pausesTheReaderWhileThePeerIsFullAndResumesWhenItDrains() {
        EmbeddedChannel peer = peerWithWatermark(1024, 2048); // Netty counts ~100 bytes of overhead per message
        HeldFlush held = new HeldFlush();
        peer.pipeline().addFirst(held);
        EmbeddedChannel reader = new EmbeddedChannel();
        reader.pipeline().addLast(new Relay(peer));
        peer.pipeline().addLast(new Relay(reader)); // the other direction: it sees the peer's writability change
        String chunk = "x".repeat(1000);

        reader.writeInbound(bytes(chunk));
        assertTrue(reader.config().isAutoRead(), "one chunk waits: under the high watermark");

        reader.writeInbound(bytes(chunk));
        assertFalse(peer.isWritable());
        assertFalse(reader.config().isAutoRead(), "two chunks wait: over it, the reader pauses");

        held.release(peer);
        peer.runPendingTasks();
        assertTrue(peer.isWritable());
        assertTrue(reader.config().isAutoRead(), "drained: the peer's relay lets the reader read again");
        assertEquals(chunk + chunk, drain(peer));
    }

    @Test
    void aPeerThatDrainsOnTheFlushDoesNotLeaveTheReaderPaused() {
        EmbeddedChannel peer = peerWithWatermark(1024, 2048); // flushes at once, and has no relay of its own
        EmbeddedChannel reader = new EmbeddedChannel(new Relay(peer));
        String chunk = "y".repeat(3000);

        reader.writeInbound(bytes(chunk));

        assertTrue(peer.isWritable());
        assertTrue(reader.config().isAutoRead(), "the re-check after the pause saw the peer writable again");
        assertEquals(chunk, drain(peer));
    }

    @Test
    void theReaderClosingClosesThePeerAfterItsPendingBytes() {
        EmbeddedChannel peer = new EmbeddedChannel();
        EmbeddedChannel reader = new EmbeddedChannel(new Relay(peer));
        reader.writeInbound(bytes("last words"));

        reader.close();

        assertEquals("last words", drain(peer));
        assertFalse(peer.isOpen());
    }

    @Test
    void endOnTheReaderClosesThePeer() {
        EmbeddedChannel peer = new EmbeddedChannel();
        EmbeddedChannel reader = new EmbeddedChannel(new Relay(peer));

        reader.pipeline().fireUserEventTriggered(Carrier.END);

        assertFalse(peer.isOpen());
        assertTrue(reader.isOpen(), "the data connection itself stays, for its pool");
    }

    @Test
    void aDetachedRelayLeavesThePeerOpen() {
        EmbeddedChannel peer = new EmbeddedChannel();
        Relay relay = new Relay(peer);
        EmbeddedChannel reader = new EmbeddedChannel(relay);
        relay.detach();

        reader.pipeline().fireUserEventTriggered(Carrier.END);
        reader.close();

        assertTrue(peer.isOpen());
    }

    @Test
    void anIdleReaderIsClosed() {
        EmbeddedChannel peer = new EmbeddedChannel();
        EmbeddedChannel reader = new EmbeddedChannel(new Relay(peer));

        reader.pipeline().fireUserEventTriggered(IdleStateEvent.ALL_IDLE_STATE_EVENT);

        assertFalse(reader.isOpen());
        assertFalse(peer.isOpen(), "and so is its peer");
    }

    @Test
    void aFailingReaderIsClosed() {
        EmbeddedChannel peer = new EmbeddedChannel();
        EmbeddedChannel reader = new EmbeddedChannel(new Relay(peer));

        reader.pipeline().fireExceptionCaught(new IllegalStateException("connection reset"));

        assertFalse(reader.isOpen());
        assertFalse(peer.isOpen());
    }

    @Test
    void sizeCountsBuffersAndNothingElse() {
        ByteBuf buf = bytes("four");
        assertEquals(4, Relay.size(buf));
        assertEquals(4, Relay.size(new DefaultByteBufHolder(buf)));
        assertEquals(0, Relay.size("not a buffer"));
        buf.release();
    }

    private static String drain(EmbeddedChannel channel) {
        StringBuilder text = new StringBuilder();
        for (Object msg = channel.readOutbound(); msg != null; msg = channel.readOutbound()) {
            ByteBuf buf = (ByteBuf) msg;
            text.append(buf.toString(StandardCharsets.US_ASCII));
            buf.release();
        }
        return text.toString();
    }
}
