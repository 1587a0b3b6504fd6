package io.secureconnect.gateway.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * The gateway's Prometheus metrics. Tags hold only stable reasons and directions: never an account, key, credential or
 * host (those would be unbounded, and some are secrets).
 */
public class GatewayMetrics {

    private final MeterRegistry registry;
    private final LongAdder bytesIn = new LongAdder();
    private final LongAdder bytesOut = new LongAdder();
    private final AtomicInteger openConnections = new AtomicInteger();
    private final Timer dialLatency;
    private final LongAdder dataReused = new LongAdder();
    private final Map<String, Counter> errors = new ConcurrentHashMap<>();

    public GatewayMetrics(MeterRegistry registry) {
        this.registry = registry;
        FunctionCounter.builder("secureconnect.gateway.bytes", bytesIn, LongAdder::sum)
                .description("Bytes relayed from proxy clients towards agents").tag("direction", "in")
                .baseUnit("bytes").register(registry);
        FunctionCounter.builder("secureconnect.gateway.bytes", bytesOut, LongAdder::sum)
                .description("Bytes relayed from agents back to proxy clients").tag("direction", "out")
                .baseUnit("bytes").register(registry);
        Gauge.builder("secureconnect.gateway.connections.open", openConnections, AtomicInteger::get)
                .description("Proxy client connections open now").register(registry);
        dialLatency = Timer.builder("secureconnect.gateway.dial.latency")
                .description("From DialRequest sent to the agent's data connection arriving")
                .publishPercentiles(0.5, 0.99).register(registry);
        FunctionCounter.builder("secureconnect.gateway.data.reused", dataReused, LongAdder::sum)
                .description("Data connections parked again after carrying a proxied connection (no new TLS "
                        + "handshake for the next one)").register(registry);
    }

    /** A data connection went back to its pool after a proxied connection. */
    public void dataReused() {
        dataReused.increment();
    }

    public long dataReusedCount() {
        return dataReused.sum();
    }

    /** Registers a gauge read from the supplier (tunnels, agents, pending dials). */
    public void gauge(String name, String description, Supplier<Number> value) {
        Gauge.builder(name, value).description(description).register(registry);
    }

    public LongAdder bytesIn() {
        return bytesIn;
    }

    public LongAdder bytesOut() {
        return bytesOut;
    }

    public void connectionOpened() {
        openConnections.incrementAndGet();
    }

    public void connectionClosed() {
        openConnections.decrementAndGet();
    }

    public int openConnections() {
        return openConnections.get();
    }

    public void dialed(long nanos) {
        dialLatency.record(Duration.ofNanos(nanos));
    }

    /** Counts an error by its stable reason (e.g. PROXY_AUTH_MISSING, DIAL_TIMEOUT, LEASE_LOST). */
    public void error(String reason) {
        errors.computeIfAbsent(reason, r -> Counter.builder("secureconnect.gateway.errors")
                .description("Refusals and failures by reason").tag("reason", r).register(registry)).increment();
    }
}
