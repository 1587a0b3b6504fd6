package io.secureconnect.gateway.threads;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/** Timers of the control side (lease renewals, gateway heartbeats, agent watchdog, resubscriptions). */
@Singleton
public class GatewayScheduler {

    private static final Logger LOG = Logger.getLogger(GatewayScheduler.class);
    private final AtomicInteger threads = new AtomicInteger();
    private final ScheduledExecutorService executor = Executors.newScheduledThreadPool(2, task -> {
        Thread thread = new Thread(task, "gateway-timer-" + threads.incrementAndGet());
        thread.setDaemon(true);
        return thread;
    });

    public ScheduledFuture<?> schedule(Runnable task, long delay, TimeUnit unit) {
        return executor.schedule(guarded(task), delay, unit);
    }

    public ScheduledFuture<?> every(Runnable task, long period, TimeUnit unit) {
        return executor.scheduleWithFixedDelay(guarded(task), period, period, unit);
    }

    @PreDestroy
    void stop() {
        executor.shutdownNow();
    }

    private static Runnable guarded(Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.error("timer task failed", e);
            }
        };
    }
}
