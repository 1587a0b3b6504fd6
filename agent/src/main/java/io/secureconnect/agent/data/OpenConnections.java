package io.secureconnect.agent.data;

import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.time.Duration;

/** The relayed connections that are open now: counted for heartbeats, awaited on drain, closed on give-up. */
public final class OpenConnections {

    private final ChannelGroup destinations = new DefaultChannelGroup("destinations", GlobalEventExecutor.INSTANCE);
    private final Object lock = new Object();
    private int open;

    /** Tracks one relayed connection by its destination channel, until that channel closes. */
    void add(Channel destination) {
        synchronized (lock) {
            open++;
        }
        destinations.add(destination);
        destination.closeFuture().addListener(future -> {
            synchronized (lock) {
                open--;
                lock.notifyAll();
            }
        });
    }

    public int count() {
        synchronized (lock) {
            return open;
        }
    }

    /** Waits until no connection is open or the timeout passes; true when all finished. */
    public boolean awaitNone(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (open > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                lock.wait(Math.max(1, left / 1_000_000));
            }
            return true;
        }
    }

    /** Closes every open connection (the relay closes each peer after flushing). */
    public void closeAll() {
        destinations.close();
    }
}
