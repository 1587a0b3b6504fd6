package io.secureconnect.registry.lease;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Counters of lease changes made by this replica ({@code secureconnect_registry_lease_grants_total{resumed}},
 * {@code secureconnect_registry_lease_releases_total} on {@code /q/metrics}): what the per-grant log line told an
 * operator, at the cost of an atomic add; and the batches ({@link LeaseBatcher}): how many lease changes each
 * committed ({@code secureconnect_registry_lease_batch_size}) and how many were rerun after a deadlock or a
 * serialization failure ({@code secureconnect_registry_lease_batch_retries_total}).
 */
@ApplicationScoped
public class LeaseMetrics {

    private final Counter fresh;
    private final Counter resumed;
    private final Counter released;
    private final DistributionSummary batchSize;
    private final Counter batchRetries;

    @Inject
    public LeaseMetrics(MeterRegistry registry) {
        fresh = grants(registry, "false");
        resumed = grants(registry, "true");
        released = Counter.builder("secureconnect.registry.lease.releases")
                .description("Leases released by their gateway through this replica").register(registry);
        batchSize = DistributionSummary.builder("secureconnect.registry.lease.batch.size")
                .description("Lease changes committed together in one transaction by this replica").register(registry);
        batchRetries = Counter.builder("secureconnect.registry.lease.batch.retries")
                .description("Lease batches rerun after a deadlock or serialization failure").register(registry);
    }

    private static Counter grants(MeterRegistry registry, String resumed) {
        return Counter.builder("secureconnect.registry.lease.grants").tag("resumed", resumed)
                .description("Leases granted by this replica (resumed: the same API key got its port back)")
                .register(registry);
    }

    void granted(boolean wasResumed) {
        (wasResumed ? resumed : fresh).increment();
    }

    void released() {
        released.increment();
    }

    void batch(int size) {
        batchSize.record(size);
    }

    void batchRetried() {
        batchRetries.increment();
    }
}
