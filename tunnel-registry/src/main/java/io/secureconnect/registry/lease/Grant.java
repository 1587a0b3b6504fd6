package io.secureconnect.registry.lease;

/** The answer to an acquisition: the lease, and whether the same API key took back a port it held. */
public record Grant(Lease lease, boolean resumed) {
}
