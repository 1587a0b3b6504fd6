package io.secureconnect.datalink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The reusable data connection's wire format: idle messages, frames, END both ways, and what breaks it. */
class CarrierTest {

    /** Records what the carrier hands its side. */
    private static final class RecordingSide implements Carrier.Side {
        final List<String> messages = new ArrayList<>();
        int idles;
        Carrier carrier;
        boolean frameOnMessage = true;

        @Override
        public void message(ChannelHandlerContext ctx, ByteBuf body) {
            messages.add(body.toString(StandardCharsets.UTF_8));
            if (frameOnMessage) {
                carrier.startFraming();
            }
        }

        @Override
        public void idle(ChannelHandlerContext ctx) {
            idles++;
        }
    }

    /** Stands in for a relay: what the carrier passes on, and the END event. */
    private static final class Sink extends ChannelInboundHandlerAdapter {
        final StringBuilder bytes = new StringBuilder();
        int ends;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            bytes.append(buf.toString(StandardCharsets.UTF_8));
            buf.release();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt == Carrier.END) {
                ends++;
            }
        }
    }

    private final RecordingSide side = new RecordingSide();
    private final Sink sink = new Sink();
    private final EmbeddedChannel channel = new EmbeddedChannel();

    CarrierTest() {
        side.carrier = new Carrier(side);
        channel.pipeline().addLast("carrier", side.carrier);
    }

    private static ByteBuf bytes(int... values) {
        ByteBuf buf = Unpooled.buffer();
        for (int value : values) {
            buf.writeByte(value);
        }
        return buf;
    }

    private static ByteBuf message(String text) {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        return Unpooled.buffer().writeInt(body.length).writeBytes(body);
    }

    private static ByteBuf frame(String text) {
        return message(text); // a data frame has the same shape: length, then the bytes
    }

    private static ByteBuf end() {
        return Unpooled.buffer().writeInt(0);
    }

    private void assign() {
        channel.writeInbound(message("dial"));
        channel.pipeline().addLast("relay", sink);
    }

    private String written() {
        StringBuilder out = new StringBuilder();
        ByteBuf buf;
        while ((buf = channel.readOutbound()) != null) {
            while (buf.isReadable()) {
                out.append(String.format("%02x", buf.readByte()));
            }
            buf.release();
        }
        return out.toString();
    }

    @Test
    void anIdleMessageSplitAcrossReadsReachesTheSideWhole() {
        side.frameOnMessage = false;
        ByteBuf whole = message("hello dial");
        channel.writeInbound(whole.readRetainedSlice(2));
        channel.writeInbound(whole.readRetainedSlice(5));
        channel.writeInbound(whole.readRetainedSlice(whole.readableBytes()));
        whole.release();

        assertEquals(List.of("hello dial"), side.messages);
        assertTrue(channel.isActive());
    }

    @Test
    void framesArePassedOnAsTheirBytesEvenWhenSplitAnywhere() {
        assign();
        ByteBuf stream = Unpooled.buffer().writeBytes(frame("abc")).writeBytes(frame("defgh")).writeBytes(frame("i"));
        while (stream.isReadable()) {
            channel.writeInbound(stream.readRetainedSlice(1)); // one byte at a time: headers split too
        }
        stream.release();

        assertEquals("abcdefghi", sink.bytes.toString());
        assertEquals(0, sink.ends);
    }

    @Test
    void whatTheRelayWritesGoesOutAsFramesAndFinishSendsEnd() {
        assign();
        channel.writeAndFlush(Unpooled.copiedBuffer("hi", StandardCharsets.UTF_8));
        Carrier.finish(channel);
        channel.runPendingTasks();

        assertEquals("00000002" + "6869" + "00000000", written());
        assertTrue(channel.isActive(), "END is not a close");
    }

    @Test
    void endBothWaysMakesTheConnectionIdleAndRemovesTheRelay() {
        assign();
        channel.writeInbound(frame("x"), end());
        assertEquals(1, sink.ends);
        assertEquals(0, side.idles, "not idle before this side sent END too");

        Carrier.finish(channel);

        assertEquals(1, side.idles);
        assertEquals(1, side.carrier.uses());
        assertNull(channel.pipeline().get("relay"), "the relay of that proxied connection is gone");
        assertSame(side.carrier, Carrier.of(channel));
        assertTrue(channel.config().isAutoRead());
    }

    @Test
    void theNextMessageInTheSameReadAsEndReachesTheSide() {
        assign();
        Carrier.finish(channel);
        ByteBuf both = Unpooled.buffer().writeBytes(end()).writeBytes(message("next dial"));

        channel.writeInbound(both);

        assertEquals(1, side.idles);
        assertEquals(List.of("dial", "next dial"), side.messages);
    }

    @Test
    void bytesTheLocalSideNoLongerWantsAreDroppedAfterItSentEnd() {
        assign();
        Carrier.finish(channel);

        channel.writeInbound(frame("late"), end());

        assertEquals("", sink.bytes.toString());
        assertEquals(1, side.idles);
    }

    @Test
    void writesAfterEndAreDiscardedNotSent() {
        assign();
        Carrier.finish(channel);
        written();

        channel.writeAndFlush(Unpooled.copiedBuffer("late", StandardCharsets.UTF_8));

        assertEquals("", written());
    }

    @Test
    void sendingEndResumesReadingThatARelayHadPaused() {
        assign();
        channel.config().setAutoRead(false); // a relay paused reading for backpressure, then its peer closed

        Carrier.finish(channel);

        assertTrue(channel.config().isAutoRead(), "the peer's END must still be read");
    }

    @Test
    void finishOnAClosedFramedConnectionDoesNothing() {
        assign();
        channel.close();

        Carrier.finish(channel);

        assertEquals("", written());
        assertEquals(0, side.idles);
        assertEquals(-1, channel.runScheduledPendingTasks(), "no END timer is left behind for a closed connection");
    }

    @Test
    void anUnusedAssignmentMakesTheConnectionIdleAgainWithoutFraming() {
        side.frameOnMessage = false;
        channel.writeInbound(message("dial that failed"));
        channel.config().setAutoRead(false);

        side.carrier.unused();

        assertEquals(1, side.idles);
        assertTrue(channel.config().isAutoRead());
        channel.writeInbound(message("next dial"));
        assertEquals(List.of("dial that failed", "next dial"), side.messages);
    }

    @Test
    void bytesAfterThePeersEndCloseTheConnection() {
        assign();
        channel.writeInbound(end(), frame("more"));

        assertFalse(channel.isActive());
    }

    @Test
    void aNegativeFrameLengthClosesTheConnection() {
        assign();
        channel.writeInbound(bytes(0xff, 0xff, 0xff, 0xfe));

        assertFalse(channel.isActive());
    }

    @Test
    void anEmptyOrOversizedIdleMessageClosesTheConnection() {
        channel.writeInbound(bytes(0, 0, 0, 0));
        assertFalse(channel.isActive());

        EmbeddedChannel other = new EmbeddedChannel(new Carrier(side));
        other.writeInbound(Unpooled.buffer().writeInt(Carrier.MAX_MESSAGE + 1));
        assertFalse(other.isActive());
        assertEquals(List.of(), side.messages);
    }

    @Test
    void finishOnAConnectionThatIsNotFramingClosesIt() {
        Carrier.finish(channel);
        channel.runPendingTasks();

        assertFalse(channel.isActive());
    }

    @Test
    void finishOnAChannelWithoutCarrierClosesItAfterFlushing() {
        EmbeddedChannel plain = new EmbeddedChannel();
        plain.write(Unpooled.copiedBuffer("pending", StandardCharsets.UTF_8));

        Carrier.finish(plain);

        ByteBuf flushed = plain.readOutbound();
        assertEquals("pending", flushed.toString(StandardCharsets.UTF_8));
        flushed.release();
        assertFalse(plain.isActive());
    }

    @Test
    void singleUseStepsAsideSoWhatFollowsPassesUntouched() {
        side.frameOnMessage = false;
        Carrier.Side stepAside = new Carrier.Side() {
            Carrier self;

            @Override
            public void message(ChannelHandlerContext ctx, ByteBuf body) {
                self = Carrier.of(ctx.channel());
                self.singleUse();
            }

            @Override
            public void idle(ChannelHandlerContext ctx) {
            }
        };
        EmbeddedChannel single = new EmbeddedChannel(new Carrier(stepAside), sink);
        ByteBuf both = Unpooled.buffer().writeBytes(message("dial")).writeBytes("raw bytes".getBytes(StandardCharsets.UTF_8));

        single.writeInbound(both);

        assertNull(Carrier.of(single));
        assertEquals("raw bytes", sink.bytes.toString());
    }
}
