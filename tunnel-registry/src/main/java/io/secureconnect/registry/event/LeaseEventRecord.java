package io.secureconnect.registry.event;

import io.secureconnect.registry.lease.Lease;
import java.time.Instant;

/** One lease change: ACQUIRED, RELEASED, FORCE_RELEASED, EXPIRED or SUPERSEDED. */
public record LeaseEventRecord(long id, String type, Lease lease, Instant at) {
}
