package io.secureconnect.agent.data;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.handler.timeout.IdleStateHandler;
import io.secureconnect.datalink.Carrier;
import io.secureconnect.datalink.Relay;
import io.secureconnect.proto.tunnel.v1.DataPreamble;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Joins a connected destination with its data connection: writes the preamble (4-byte big-endian length, then
 * the DataPreamble) as the data connection's first bytes, then relays both ways until either side closes or no
 * byte moves for the idle timeout. A reusable data connection (one with a {@link Carrier}) is framed meanwhile and
 * ends with END instead of closing.
 */
public final class Splicer {

    private final OpenConnections connections;
    private final Duration idleTimeout;

    public Splicer(OpenConnections connections, Duration idleTimeout) {
        this.connections = connections;
        this.idleTimeout = idleTimeout;
    }

    /** Both channels must be on the same event loop, connected, and not reading yet. */
    public void join(Channel destination, Channel data, DataPreamble preamble) {
        if (!destination.eventLoop().inEventLoop()) {
            destination.eventLoop().execute(() -> join(destination, data, preamble));
            return;
        }
        connections.add(destination);
        byte[] body = preamble.toByteArray();
        ByteBuf head = data.alloc().buffer(4 + body.length).writeInt(body.length).writeBytes(body);
        data.write(head, data.voidPromise());
        Carrier carrier = Carrier.of(data);
        if (carrier != null) {
            carrier.startFraming(); // a reusable connection: framed from here until END went both ways
        }
        data.pipeline().addLast("relay", new Relay(destination));
        destination.pipeline().addLast("idle",
                new IdleStateHandler(0, 0, idleTimeout.toMillis(), TimeUnit.MILLISECONDS));
        destination.pipeline().addLast("relay", new Relay(data));
        data.flush();
        if (!destination.isActive() || !data.isActive()) {
            Carrier.finish(data);
            destination.close();
            return;
        }
        destination.config().setAutoRead(true);
        data.config().setAutoRead(true);
    }
}
