package io.secureconnect.gateway.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Makes {@link GatewayMetrics} (a plain class, so Netty tests can use it with a simple registry) a bean. */
public class MetricsProducer {

    @Produces
    @Singleton
    GatewayMetrics metrics(MeterRegistry registry) {
        return new GatewayMetrics(registry);
    }
}
