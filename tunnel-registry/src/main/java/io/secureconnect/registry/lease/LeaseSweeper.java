package io.secureconnect.registry.lease;

import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

/**
 * Marks expired leases on every replica; the database decides which replica takes which row
 * ({@code FOR UPDATE SKIP LOCKED}), so no lease expires twice.
 */
@ApplicationScoped
public class LeaseSweeper {

    private static final Logger LOG = Logger.getLogger(LeaseSweeper.class);

    @Inject
    LeaseService leases;

    @Scheduled(every = "${secureconnect.registry.sweep-interval:5s}", delayed = "1s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void sweep() {
        int total = 0;
        int swept;
        do {
            swept = leases.sweep();
            total += swept;
        } while (swept >= 500);
        if (total > 0) {
            LOG.infof("leases expired: %d", total);
        }
    }
}
